"""In-memory taste queries: a viewer's recent interactions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryDatabase
from application.ports.taste_queries import TasteQueries
from domain.taste import Interaction, Signal, watch_signal


class MemoryTasteQueries(TasteQueries):
    """Scans the committed in-memory state."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def interactions(
        self, viewer_id: UUID, *, watched_since: datetime, limit: int
    ) -> Sequence[Interaction]:
        async with self._store.lock:
            state = self._store.state

            def latest(pairs: list[tuple[datetime, UUID]]) -> list[UUID]:
                ordered = sorted(pairs, key=lambda pair: pair[0], reverse=True)[:limit]
                return list(dict.fromkeys(video_id for _, video_id in ordered))

            by_kind: list[tuple[Signal | None, list[UUID]]] = [
                (
                    Signal.LIKE,
                    latest([(at, v) for (u, v), at in state.video_likes.items() if u == viewer_id]),
                ),
                (
                    Signal.COMMENT,
                    latest(
                        [
                            (c.created_at, c.video_id)
                            for c in state.comments.values()
                            if c.author_id == viewer_id
                        ]
                    ),
                ),
                (
                    Signal.NOT_INTERESTED,
                    latest(
                        [(at, v) for (u, v), at in state.not_interested.items() if u == viewer_id]
                    ),
                ),
            ]
            found: list[Interaction] = []
            for signal, video_ids in by_kind:
                for video_id in video_ids:
                    video = state.videos.get(video_id)
                    if video is not None and signal is not None:
                        found.append(Interaction(signal, video.owner_id, video.hashtags))
            watches = sorted(
                (
                    w
                    for (u, _), w in state.watches.items()
                    if u == viewer_id and w.watched_at > watched_since
                ),
                key=lambda w: w.watched_at,
                reverse=True,
            )[:limit]
            for watch in watches:
                video = state.videos.get(watch.video_id)
                if video is None:
                    continue
                signal = watch_signal(watch.watched_ms, watch.completed, video.duration_seconds)
                if signal is not None:
                    found.append(Interaction(signal, video.owner_id, video.hashtags))
            followed = sorted(
                ((at, b) for (a, b), at in state.follows.items() if a == viewer_id),
                reverse=True,
            )[:limit]
            found += [Interaction(Signal.FOLLOW, creator) for _, creator in followed]
            return found
