"""In-memory read side of a user's collections (saved and liked videos) and of who liked a video."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.blocks import listed
from adapters.memory.store import MemoryDatabase
from adapters.memory.videos import MemoryVideoQueries
from application.ports.collection_queries import (
    CollectedKey,
    CollectedVideo,
    CollectionQueries,
    Liker,
)
from domain.moderation import ModerationState


class MemoryCollectionQueries(CollectionQueries):
    """Collections over the in-memory state."""

    def __init__(self, store: MemoryDatabase, videos: MemoryVideoQueries) -> None:
        self._store = store
        self._videos = videos

    async def saved(
        self, user_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[CollectedVideo]:
        async with self._store.lock:
            return self._collected(self._store.state.video_saves, user_id, after, limit)

    async def liked(
        self, user_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[CollectedVideo]:
        async with self._store.lock:
            return self._collected(self._store.state.video_likes, user_id, after, limit)

    async def likers(
        self, video_id: UUID, viewer_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[Liker]:
        async with self._store.lock:
            state = self._store.state
            keys = sorted(
                (
                    (when, user_id)
                    for (user_id, liked), when in state.video_likes.items()
                    if liked == video_id
                    and (after is None or (when, user_id) < after)
                    and listed(state, viewer_id, user_id, ModerationState.VISIBLE)
                ),
                reverse=True,
            )
            return [
                Liker(
                    user=state.users[user_id],
                    liked_at=when,
                    is_following=(viewer_id, user_id) in state.follows,
                )
                for when, user_id in keys[:limit]
            ]

    def _collected(
        self,
        table: dict[tuple[UUID, UUID], datetime],
        user_id: UUID,
        after: CollectedKey | None,
        limit: int,
    ) -> list[CollectedVideo]:
        videos = self._store.state.videos
        keys = sorted(
            (
                (when, video_id)
                for (collector, video_id), when in table.items()
                if collector == user_id
                and videos[video_id].is_visible_to(user_id)
                and self._videos.listed(videos[video_id], user_id)
                and (after is None or (when, video_id) < after)
            ),
            reverse=True,
        )
        return [
            CollectedVideo(view=self._videos.view_of(videos[video_id], user_id), collected_at=when)
            for when, video_id in keys[:limit]
        ]
