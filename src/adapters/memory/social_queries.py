"""In-memory read-side queries: follower lists, comments, feeds."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.blocks import listed, relation
from adapters.memory.store import MemoryDatabase
from adapters.memory.videos import MemoryVideoQueries
from application.ports.comment_queries import (
    CommentKey,
    CommentPosition,
    CommentQueries,
    CommentSort,
    CommentView,
)
from application.ports.feed_queries import FeedQueries, PersonalFilter, RankedVideo, RankKey
from application.ports.follow_queries import FollowEntry, FollowKey, FollowQueries
from application.ports.video_queries import VideoKey, VideoView
from domain.comments import Comment
from domain.moderation import ModerationState
from domain.ranking import rank
from domain.videos import Video
from domain.watching import watched_enough


class MemoryFollowQueries(FollowQueries):
    """Follower lists over the in-memory state."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def followers(
        self, user_id: UUID, viewer_id: UUID | None, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        async with self._store.lock:
            pairs = [
                (when, a) for (a, b), when in self._store.state.follows.items() if b == user_id
            ]
            return self._page(pairs, viewer_id, after, limit)

    async def following(
        self, user_id: UUID, viewer_id: UUID | None, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        async with self._store.lock:
            pairs = [
                (when, b) for (a, b), when in self._store.state.follows.items() if a == user_id
            ]
            return self._page(pairs, viewer_id, after, limit)

    async def followed_among(self, viewer_id: UUID, user_ids: Collection[UUID]) -> set[UUID]:
        async with self._store.lock:
            return {u for u in user_ids if (viewer_id, u) in self._store.state.follows}

    def _page(
        self,
        pairs: list[tuple[datetime, UUID]],
        viewer_id: UUID | None,
        after: FollowKey | None,
        limit: int,
    ) -> list[FollowEntry]:
        state = self._store.state
        ordered = sorted(
            (
                p
                for p in pairs
                if (after is None or p < after)
                and listed(state, viewer_id, p[1], ModerationState.VISIBLE)
            ),
            reverse=True,
        )[:limit]
        return [
            FollowEntry(
                user=state.users[user_id],
                followed_at=when,
                is_following=None if viewer_id is None else (viewer_id, user_id) in state.follows,
            )
            for when, user_id in ordered
        ]


class MemoryCommentQueries(CommentQueries):
    """Comment lists over the in-memory state."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        async with self._store.lock:
            comment = self._store.state.comments.get(comment_id)
            if comment is None:
                return None
            block = relation(self._store.state, viewer_id, comment.author_id)
            return dataclasses.replace(self._view(comment, viewer_id), block=block)

    async def top_level(
        self,
        video_id: UUID,
        viewer_id: UUID | None,
        *,
        sort: CommentSort = "newest",
        after: CommentPosition | None,
        limit: int,
    ) -> Sequence[CommentView]:
        def key(c: Comment) -> CommentPosition:
            if sort == "top":
                return (c.like_count, c.created_at, c.id)
            return (c.created_at, c.id)

        async with self._store.lock:
            found = [
                c
                for c in self._store.state.comments.values()
                if c.video_id == video_id
                and c.parent_id is None
                and not c.pinned
                and (after is None or key(c) < after)
                and self._listed(c, viewer_id)
            ]
            found.sort(key=key, reverse=True)
            return [self._view(c, viewer_id) for c in found[:limit]]

    async def pinned(self, video_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        async with self._store.lock:
            for comment in self._store.state.comments.values():
                if comment.video_id == video_id and comment.pinned:
                    return (
                        self._view(comment, viewer_id) if self._listed(comment, viewer_id) else None
                    )
            return None

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        async with self._store.lock:
            found = [
                c
                for c in self._store.state.comments.values()
                if c.parent_id == comment_id
                and (after is None or (c.created_at, c.id) > after)
                and self._listed(c, viewer_id)
            ]
            found.sort(key=lambda c: (c.created_at, c.id))
            return [self._view(c, viewer_id) for c in found[:limit]]

    def _listed(self, comment: Comment, viewer_id: UUID | None) -> bool:
        state = self._store.state
        return listed(state, viewer_id, comment.author_id, comment.moderation_state)

    def _view(self, comment: Comment, viewer_id: UUID | None) -> CommentView:
        state = self._store.state
        signed_in = viewer_id is not None
        return CommentView(
            comment=comment,
            author=state.users[comment.author_id],
            liked_by_me=(viewer_id, comment.id) in state.comment_likes if signed_in else None,
            follows_author=(viewer_id, comment.author_id) in state.follows if signed_in else None,
        )


class MemoryFeedQueries(FeedQueries):
    """The feeds over the in-memory state."""

    def __init__(self, store: MemoryDatabase, videos: MemoryVideoQueries) -> None:
        self._store = store
        self._videos = videos

    async def following(
        self, viewer_id: UUID, *, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        async with self._store.lock:
            state = self._store.state
            followed = {b for (a, b) in state.follows if a == viewer_id}
            found = [
                v
                for v in state.videos.values()
                if v.is_published
                and v.owner_id in followed
                and (after is None or (v.published_at, v.id) < after)
                and self._videos.listed(v, viewer_id)
            ]
            found.sort(key=lambda v: (v.published_at, v.id), reverse=True)
            return [self._videos.view_of(v, viewer_id) for v in found[:limit]]

    async def ranked(
        self,
        viewer_id: UUID | None,
        *,
        snapshot: datetime,
        since: datetime,
        after: RankKey | None,
        limit: int,
        personal: PersonalFilter | None = None,
    ) -> Sequence[RankedVideo]:
        async with self._store.lock:
            scored = []
            for video in self._store.state.videos.values():
                published = video.published_at
                if not video.is_published or published is None or not since < published <= snapshot:
                    continue
                if self._left_out(video, viewer_id, personal):
                    continue
                key = (rank(video.engagement_points, published), video.id)
                if after is None or key < after:
                    scored.append((key, video))
            scored.sort(key=lambda item: item[0], reverse=True)
            return [
                RankedVideo(view=self._videos.view_of(video, viewer_id), score=key[0])
                for key, video in scored[:limit]
            ]

    async def fresh_and_followed(
        self,
        viewer_id: UUID,
        *,
        snapshot: datetime,
        since: datetime,
        fresh_since: datetime,
        max_views: int,
        limit: int,
        personal: PersonalFilter,
    ) -> Sequence[RankedVideo]:
        async with self._store.lock:
            state = self._store.state
            followed = {b for (a, b) in state.follows if a == viewer_id}
            found = []
            for video in state.videos.values():
                published = video.published_at
                if not video.is_published or published is None or not since < published <= snapshot:
                    continue
                fresh = published > fresh_since and video.view_count < max_views
                if (video.owner_id in followed or fresh) and not self._left_out(
                    video, viewer_id, dataclasses.replace(personal, pinned=())
                ):
                    found.append(video)
            found.sort(key=lambda v: (v.published_at, v.id), reverse=True)
            return [
                RankedVideo(
                    view=self._videos.view_of(v, viewer_id),
                    score=rank(v.engagement_points, v.published_at),  # type: ignore[arg-type]
                )
                for v in found[:limit]
            ]

    async def published_among(
        self, viewer_id: UUID | None, video_ids: Sequence[UUID]
    ) -> Sequence[VideoView]:
        async with self._store.lock:
            state = self._store.state
            found = [state.videos[v] for v in dict.fromkeys(video_ids) if v in state.videos]
            return [
                self._videos.view_of(video, viewer_id)
                for video in found
                if video.is_published
                and self._videos.listed(video, viewer_id)
                and (
                    viewer_id is None
                    or (
                        video.owner_id != viewer_id
                        and (viewer_id, video.id) not in state.not_interested
                    )
                )
            ]

    async def older(
        self,
        viewer_id: UUID | None,
        *,
        until: datetime,
        after: VideoKey | None,
        limit: int,
        personal: PersonalFilter | None = None,
    ) -> Sequence[VideoView]:
        async with self._store.lock:
            found = [
                v
                for v in self._store.state.videos.values()
                if v.is_published
                and v.published_at is not None
                and v.published_at <= until
                and (after is None or (v.published_at, v.id) < after)
                and not self._left_out(v, viewer_id, personal)
            ]
            found.sort(key=lambda v: (v.published_at, v.id), reverse=True)
            return [self._videos.view_of(v, viewer_id) for v in found[:limit]]

    def _left_out(
        self, video: Video, viewer_id: UUID | None, personal: PersonalFilter | None
    ) -> bool:
        """Whether the visibility rule (`visibility.is_listed`), or `personal`, leaves the video out
        of the viewer's feed (lock held)."""
        if not self._videos.listed(video, viewer_id):
            return True
        if personal is None or viewer_id is None:
            return False
        state = self._store.state
        watch = state.watches.get((viewer_id, video.id))
        return (
            video.owner_id == viewer_id
            or video.id in personal.pinned
            or (viewer_id, video.id) in state.not_interested
            or (
                watch is not None
                and watch.watched_at > personal.watched_since
                and watched_enough(watch, video.duration_seconds)
            )
        )
