"""In-memory video repository and read-side queries."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.blocks import listed, relation
from adapters.memory.cascades import delete_video_cascade
from adapters.memory.store import MemoryDatabase, MemoryState
from application.ports.video_queries import PublicVideoFilter, VideoKey, VideoQueries, VideoView
from application.ports.video_repository import VideoRepository
from domain.moderation import ModerationState
from domain.videos import Video, VideoStatus
from domain.words import caption_words


class MemoryVideoRepository(VideoRepository):
    """Videos in a dict."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, video: Video) -> None:
        self._state.videos[video.id] = video

    async def get(self, video_id: UUID) -> Video | None:
        return self._state.videos.get(video_id)

    async def save(self, video: Video, *, expected_status: VideoStatus) -> bool:
        stored = self._state.videos.get(video.id)
        if stored is None or stored.status is not expected_status:
            return False
        # Counters are owned by their own features: keep the stored ones.
        self._state.videos[video.id] = dataclasses.replace(
            video,
            view_count=stored.view_count,
            like_count=stored.like_count,
            comment_count=stored.comment_count,
            share_count=stored.share_count,
            engagement_points=stored.engagement_points,
            moderation_state=stored.moderation_state,
            moderation_reason=stored.moderation_reason,
        )
        return True

    async def set_moderation(
        self, video_id: UUID, state: ModerationState, reason: str | None
    ) -> None:
        video = self._state.videos.get(video_id)
        if video is not None:
            self._state.videos[video_id] = dataclasses.replace(
                video, moderation_state=state, moderation_reason=reason
            )

    async def delete(self, video_id: UUID) -> None:
        delete_video_cascade(self._state, video_id)

    async def add_to_counters(
        self, video_id: UUID, *, views: int = 0, likes: int = 0, comments: int = 0, points: int = 0
    ) -> None:
        video = self._state.videos.get(video_id)
        if video is not None:
            self._state.videos[video_id] = dataclasses.replace(
                video,
                view_count=video.view_count + views,
                like_count=video.like_count + likes,
                comment_count=video.comment_count + comments,
                engagement_points=video.engagement_points + points,
            )

    async def add_to_counters_of_liked(self, liker_id: UUID, *, likes: int) -> None:
        for user_id, video_id in list(self._state.video_likes):
            video = self._state.videos.get(video_id)
            if user_id == liker_id and video is not None and video.owner_id != liker_id:
                await self.add_to_counters(video_id, likes=likes)

    async def add_to_counters_of_commented(self, author_id: UUID, *, comments: int) -> None:
        stored = self._state.comments
        for comment in list(stored.values()):
            parent = stored.get(comment.parent_id) if comment.parent_id is not None else None
            goes = author_id in (comment.author_id, parent.author_id if parent else None)
            video = self._state.videos.get(comment.video_id)
            if goes and video is not None and video.owner_id != author_id:
                await self.add_to_counters(video.id, comments=comments)

    async def add_share(self, video_id: UUID) -> None:
        video = self._state.videos.get(video_id)
        if video is not None:
            self._state.videos[video_id] = dataclasses.replace(
                video, share_count=video.share_count + 1
            )

    async def storage_of_owner(self, owner_id: UUID) -> Sequence[tuple[str, str | None]]:
        return [
            (v.storage_key, v.upload_id)
            for v in self._state.videos.values()
            if v.owner_id == owner_id
        ]

    async def expired_uploads(self, now: datetime, limit: int) -> Sequence[Video]:
        expired = [
            v
            for v in self._state.videos.values()
            if v.status is VideoStatus.UPLOADING
            and v.upload_expires_at is not None
            and v.upload_expires_at <= now
        ]
        return sorted(expired, key=lambda v: (v.upload_expires_at, v.id))[:limit]


def _before(after: VideoKey | None, key: VideoKey) -> bool:
    return after is None or key < after


class MemoryVideoQueries(VideoQueries):
    """Read-side video queries over the in-memory state."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def get_view(self, video_id: UUID, viewer_id: UUID | None) -> VideoView | None:
        async with self._store.lock:  # read committed state only
            video = self._store.state.videos.get(video_id)
            if video is None:
                return None
            block = relation(self._store.state, viewer_id, video.owner_id)
            return dataclasses.replace(self.view_of(video, viewer_id), block=block)

    async def list_by_owner(
        self,
        owner_id: UUID,
        viewer_id: UUID | None,
        *,
        include_unlisted: bool,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        async with self._store.lock:
            return self._newest(
                lambda v: v.owner_id == owner_id and (include_unlisted or v.is_published),
                key=lambda v: (v.created_at, v.id),
                after=after,
                limit=limit,
                viewer_id=viewer_id,
            )

    async def list_public(
        self,
        public_filter: PublicVideoFilter,
        viewer_id: UUID | None,
        *,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        wanted = set(public_filter.words)

        def matches(video: Video) -> bool:
            return (
                video.is_published
                and (public_filter.hashtag is None or public_filter.hashtag in video.hashtags)
                and wanted <= set(caption_words(video.caption))
            )

        async with self._store.lock:
            return self._newest(
                matches,
                key=lambda v: (v.published_at or v.created_at, v.id),
                after=after,
                limit=limit,
                viewer_id=viewer_id,
            )

    def _newest(
        self,
        keep: Callable[[Video], bool],
        *,
        key: Callable[[Video], VideoKey],
        after: VideoKey | None,
        limit: int,
        viewer_id: UUID | None,
    ) -> list[VideoView]:
        videos = sorted(
            (
                v
                for v in self._store.state.videos.values()
                if keep(v) and _before(after, key(v)) and self.listed(v, viewer_id)
            ),
            key=key,
            reverse=True,
        )
        return [self.view_of(v, viewer_id) for v in videos[:limit]]

    def listed(self, video: Video, viewer_id: UUID | None) -> bool:
        """Whether the video's author and moderation state let it into the viewer's lists
        (`visibility.is_listed`; call with the store's lock held)."""
        return listed(self._store.state, viewer_id, video.owner_id, video.moderation_state)

    def view_of(self, video: Video, viewer_id: UUID | None) -> VideoView:
        """The view of a video (call with the store's lock held)."""
        state = self._store.state
        signed_in = viewer_id is not None
        return VideoView(
            video=video,
            author=state.users[video.owner_id],
            liked_by_me=(viewer_id, video.id) in state.video_likes if signed_in else None,
            saved_by_me=(viewer_id, video.id) in state.video_saves if signed_in else None,
            follows_author=(viewer_id, video.owner_id) in state.follows if signed_in else None,
        )
