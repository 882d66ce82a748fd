"""In-memory watch signals, counted views by hour, the trending table, and hashtag reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.blocks import listed
from adapters.memory.store import MemoryDatabase, MemoryState
from application.ports.hashtag_queries import HashtagQueries, TrendingHashtag
from application.ports.watch_repository import WatchRepository
from domain.videos import Video
from domain.watching import Watch


def _listed(state: MemoryState, video: Video) -> bool:
    """Published and listed for everyone (`visibility.is_listed` of an anonymous viewer)."""
    return video.is_published and listed(state, None, video.owner_id, video.moderation_state)


def _published_count(state: MemoryState, tag: str) -> int:
    return sum(1 for v in state.videos.values() if tag in v.hashtags and _listed(state, v))


class MemoryWatchRepository(WatchRepository):
    """Watches, view hours and trending entries in the state's dicts."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def record_watch(self, watch: Watch) -> None:
        self._state.watches[(watch.user_id, watch.video_id)] = watch

    async def mark_not_interested(self, user_id: UUID, video_id: UUID, at: datetime) -> None:
        self._state.not_interested.setdefault((user_id, video_id), at)

    async def count_view(self, video_id: UUID, hour: datetime) -> None:
        if video_id in self._state.videos:
            key = (video_id, hour)
            self._state.view_hours[key] = self._state.view_hours.get(key, 0) + 1

    async def forget_watches_before(self, cutoff: datetime, limit: int) -> int:
        doomed = [k for k, w in self._state.watches.items() if w.watched_at < cutoff][:limit]
        for key in doomed:
            del self._state.watches[key]
        return len(doomed)

    async def forget_view_hours_before(self, cutoff: datetime, limit: int) -> int:
        doomed = [key for key in self._state.view_hours if key[1] < cutoff][:limit]
        for key in doomed:
            del self._state.view_hours[key]
        return len(doomed)

    async def refresh_trending(self, since: datetime, size: int) -> None:
        views: Counter[str] = Counter()
        for (video_id, hour), count in self._state.view_hours.items():
            video = self._state.videos.get(video_id)
            if hour >= since and video is not None and _listed(self._state, video):
                for tag in video.hashtags:
                    views[tag] += count
        top = sorted(views.items(), key=lambda item: (-item[1], item[0]))[:size]
        self._state.trending = {
            position: TrendingHashtag(tag, _published_count(self._state, tag), count)
            for position, (tag, count) in enumerate(top, start=1)
        }


class MemoryHashtagQueries(HashtagQueries):
    """Reads the committed in-memory state."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def trending(self) -> Sequence[TrendingHashtag]:
        async with self._store.lock:
            return [entry for _, entry in sorted(self._store.state.trending.items())]

    async def video_count(self, tag: str) -> int:
        async with self._store.lock:
            return _published_count(self._store.state, tag)
