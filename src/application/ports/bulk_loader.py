"""The bulk-loader port: many new rows at once (seeding), far faster than the repositories."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.comments import Comment
from domain.users import User
from domain.videos import Video

Follow = tuple[UUID, UUID, datetime]
"""(follower id, followee id, when)."""
VideoLike = tuple[UUID, UUID, datetime]
"""(user id, video id, when)."""
CommentLike = tuple[UUID, UUID, datetime]
"""(user id, comment id, when)."""


class BulkLoadFailed(Exception):
    """The database refused or lost a bulk load: nothing of it is kept. The message says why."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    """The schema revision a database is at, and the newest one this release knows."""

    current: str | None
    newest: str

    @property
    def is_newest(self) -> bool:
        return self.current == self.newest


class BulkLoad(Protocol):
    """One load: a single transaction, kept only by `commit`. Leaving the block without it (an
    error, a cancellation) keeps none of its rows.

    Rows are stored exactly as the repositories store them: a video comes with its hashtag and
    caption-word rows and its For You rank. Each `add_*` consumes its iterable as it goes (a
    generator is never held whole), stores the rows as given (counters included: the caller makes
    them agree with the rows) and returns how many it stored. Parents before children: users,
    videos, follows, video likes, comments (a reply after its comment), comment likes.
    """

    async def add_users(self, users: Iterable[User]) -> int:
        """Store new accounts."""
        ...

    async def add_videos(self, videos: Iterable[Video]) -> int:
        """Store new videos of stored users."""
        ...

    async def add_follows(self, follows: Iterable[Follow]) -> int:
        """Store follows between stored users."""
        ...

    async def add_video_likes(self, likes: Iterable[VideoLike]) -> int:
        """Store likes of stored videos."""
        ...

    async def add_comments(self, comments: Iterable[Comment]) -> int:
        """Store comments and replies on stored videos."""
        ...

    async def add_comment_likes(self, likes: Iterable[CommentLike]) -> int:
        """Store likes of stored comments."""
        ...

    async def check(self) -> None:
        """Check every row (keys, references) and make the load ready to keep (the long part of
        finishing a load: rebuilding indexes, statistics); nothing is kept yet. Raises
        `BulkLoadFailed` (and keeps nothing) if a row breaks a rule."""
        ...

    async def commit(self) -> None:
        """Keep the load (`check`ed first if it was not): a moment once it is checked."""
        ...


class BulkLoader(Protocol):
    """Starts bulk loads into the application's database, and answers what a loader asks first.

    Raises `BulkLoadFailed` when the database fails or refuses.
    """

    async def schema(self) -> SchemaState:
        """Where the database's schema is: a load needs the newest revision."""
        ...

    async def has_users(self) -> bool:
        """Whether any account exists."""
        ...

    async def username_suffix_taken(self, suffix: str) -> bool:
        """Whether any username ends with `suffix`."""
        ...

    def load(self) -> AbstractAsyncContextManager[BulkLoad]:
        """A new load (see `BulkLoad`)."""
        ...
