"""The bulk loader of the in-memory storage: the same rules as the SQL one (unique keys, existing
references, nobody follows themselves), checked as the rows arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.memory.store import MemoryDatabase
from application.ports.bulk_loader import (
    BulkLoad,
    BulkLoader,
    BulkLoadFailed,
    CommentLike,
    Follow,
    SchemaState,
    VideoLike,
)
from domain.comments import Comment
from domain.users import User
from domain.videos import Video

SCHEMA = "memory"  # the in-memory storage has no revisions: it is always current


class MemoryBulkLoader(BulkLoader):
    """Loads into a `MemoryDatabase`, holding its lock for the whole load."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def schema(self) -> SchemaState:
        return SchemaState(current=SCHEMA, newest=SCHEMA)

    async def has_users(self) -> bool:
        return bool(self._store.state.users)

    async def username_suffix_taken(self, suffix: str) -> bool:
        return any(user.username.endswith(suffix) for user in self._store.state.users.values())

    @asynccontextmanager
    async def load(self) -> AsyncIterator[BulkLoad]:
        async with self._store.lock:
            before = self._store.snapshot()
            load = _MemoryBulkLoad(self._store)
            try:
                yield load
            finally:
                if not load.committed:
                    self._store.state.__dict__.update(vars(before))


class _MemoryBulkLoad(BulkLoad):
    def __init__(self, store: MemoryDatabase) -> None:
        self._state = store.state
        self.committed = False
        self._usernames = {user.username for user in self._state.users.values()}
        self._emails = {user.email for user in self._state.users.values()}
        self._storage_keys = {video.storage_key for video in self._state.videos.values()}

    async def add_users(self, users: Iterable[User]) -> int:
        count = 0
        for user in users:
            _new(self._state.users, user.id, "user id")
            _unique(self._usernames, user.username, "username")
            _unique(self._emails, user.email, "email")
            self._state.users[user.id] = user
            count += 1
        return count

    async def add_videos(self, videos: Iterable[Video]) -> int:
        count = 0
        for video in videos:
            _new(self._state.videos, video.id, "video id")
            _exists(self._state.users, video.owner_id, "owner")
            _unique(self._storage_keys, video.storage_key, "storage key")
            self._state.videos[video.id] = video
            count += 1
        return count

    async def add_follows(self, follows: Iterable[Follow]) -> int:
        def check(follower: UUID, followee: UUID) -> None:
            if follower == followee:
                raise BulkLoadFailed(f"user {follower} cannot follow themselves")

        return self._pairs(self._state.follows, self._state.users, follows, "follow", check)

    async def add_video_likes(self, likes: Iterable[VideoLike]) -> int:
        return self._pairs(self._state.video_likes, self._state.videos, likes, "video like")

    async def add_comments(self, comments: Iterable[Comment]) -> int:
        count = 0
        for comment in comments:
            _new(self._state.comments, comment.id, "comment id")
            _exists(self._state.videos, comment.video_id, "video")
            _exists(self._state.users, comment.author_id, "author")
            if comment.parent_id is not None:
                _exists(self._state.comments, comment.parent_id, "parent comment")
            self._state.comments[comment.id] = comment
            count += 1
        return count

    async def add_comment_likes(self, likes: Iterable[CommentLike]) -> int:
        return self._pairs(self._state.comment_likes, self._state.comments, likes, "comment like")

    async def check(self) -> None:
        pass  # every row was checked as it arrived

    async def commit(self) -> None:
        self.committed = True

    def _pairs(
        self,
        table: dict[tuple[UUID, UUID], datetime],
        targets: dict[UUID, Any],
        rows: Iterable[tuple[UUID, UUID, datetime]],
        what: str,
        check: Any = None,
    ) -> int:
        count = 0
        for first, second, when in rows:
            _exists(self._state.users, first, "user")
            _exists(targets, second, f"{what}'s target")
            if check is not None:
                check(first, second)
            _new(table, (first, second), what)
            table[(first, second)] = when
            count += 1
        return count


def _new(table: dict[Any, Any], key: Hashable, what: str) -> None:
    if key in table:
        raise BulkLoadFailed(f"duplicate {what} {key}")


def _exists(table: dict[UUID, Any], key: UUID, what: str) -> None:
    if key not in table:
        raise BulkLoadFailed(f"no such {what}: {key}")


def _unique(taken: set[str], value: str, what: str) -> None:
    if value in taken:
        raise BulkLoadFailed(f"duplicate {what} {value!r}")
    taken.add(value)
