"""The bulk loader on PostgreSQL (binary COPY in batches) and SQLite (batched inserts).

Give it an engine without the request deadlines (`create_engine(url, statement_timeout_ms=0)`):
a load is long by nature. A load is one transaction. On PostgreSQL each table that is empty when
the load first writes to it is loaded without its indexes and keys (those no other table's foreign
key needs); `commit` rebuilds them from their catalog definitions, checking every row, then
refreshes the planner statistics of the tables loaded (`check`), all before the commit itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from itertools import islice
from typing import Any

import psycopg
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, exists, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.bulk import RowWriter
from adapters.sqlalchemy.migrate import alembic_config
from adapters.sqlalchemy.tables import (
    comment_likes,
    comments,
    follows,
    users,
    video_hashtags,
    video_likes,
    video_words,
    videos,
)
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
from domain.ranking import rank
from domain.users import User
from domain.videos import Video
from domain.words import caption_words

VIDEO_BATCH = 5000  # videos per batch (with their hashtag and word rows)


class SqlBulkLoader(BulkLoader):
    """Bulk loads into the SQL database of `engine` (see the module's docstring)."""

    def __init__(self, engine: AsyncEngine, database_url: str) -> None:
        self._engine = engine
        self._database_url = database_url

    async def schema(self) -> SchemaState:
        newest = ScriptDirectory.from_config(alembic_config(self._database_url)).get_current_head()
        assert newest is not None  # the release ships its revisions
        with _failures():
            async with self._engine.connect() as connection:
                current = await connection.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        return SchemaState(current=current, newest=newest)

    async def has_users(self) -> bool:
        with _failures():
            async with self._engine.connect() as connection:
                row = (await connection.execute(select(users.c.id).limit(1))).first()
        return row is not None

    async def username_suffix_taken(self, suffix: str) -> bool:
        with _failures():
            async with self._engine.connect() as connection:
                row = (
                    await connection.execute(
                        select(users.c.id)
                        .where(users.c.username.endswith(suffix, autoescape=True))
                        .limit(1)
                    )
                ).first()
        return row is not None

    @asynccontextmanager
    async def load(self) -> AsyncIterator[BulkLoad]:
        with _failures():
            connection = await self._engine.connect()
        try:
            with _failures():
                await connection.begin()
            yield _SqlBulkLoad(connection)
        except BaseException:
            # Failed or cancelled, maybe half-way through a COPY: drop the connection rather than
            # talk to it again; the server rolls back what the load did.
            with contextlib.suppress(Exception):
                await connection.invalidate()
            raise
        else:
            if connection.in_transaction():  # left without `commit`
                with _failures():
                    await connection.rollback()
        finally:
            await connection.close()


class _SqlBulkLoad(BulkLoad):
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._writer = RowWriter(connection)
        self._tables: list[Table] = []  # written to, in order
        self._checked = False

    async def add_users(self, users_: Iterable[User]) -> int:
        with _failures():
            await self._start(users)
            return await self._writer.write(users, _USER_COLUMNS, map(_user_row, users_))

    async def add_videos(self, videos_: Iterable[Video]) -> int:
        with _failures():
            await self._start(videos, video_hashtags, video_words)
            count = 0
            iterator = iter(videos_)
            while batch := list(islice(iterator, VIDEO_BATCH)):
                await self._writer.write_batch(
                    videos, _VIDEO_COLUMNS, [_video_row(video) for video in batch], first=count
                )
                await self._writer.write_batch(
                    video_hashtags,
                    ("hashtag", "video_id", "position"),
                    [
                        (hashtag, video.id, position)
                        for video in batch
                        for position, hashtag in enumerate(video.hashtags)
                    ],
                )
                await self._writer.write_batch(
                    video_words,
                    ("word", "video_id"),
                    [(word, video.id) for video in batch for word in caption_words(video.caption)],
                )
                count += len(batch)
            return count

    async def add_follows(self, follows_: Iterable[Follow]) -> int:
        return await self._pairs(follows, ("follower_id", "followee_id", "created_at"), follows_)

    async def add_video_likes(self, likes: Iterable[VideoLike]) -> int:
        return await self._pairs(video_likes, ("user_id", "video_id", "created_at"), likes)

    async def add_comments(self, comments_: Iterable[Comment]) -> int:
        with _failures():
            await self._start(comments)
            return await self._writer.write(
                comments, _COMMENT_COLUMNS, map(_comment_row, comments_)
            )

    async def add_comment_likes(self, likes: Iterable[CommentLike]) -> int:
        return await self._pairs(comment_likes, ("user_id", "comment_id", "created_at"), likes)

    async def check(self) -> None:
        with _failures():
            await self._writer.restore()
            await self._writer.analyze(self._tables)
        self._checked = True

    async def commit(self) -> None:
        if not self._checked:
            await self.check()
        with _failures():
            await self._connection.commit()

    async def _pairs(
        self, table: Table, columns: tuple[str, str, str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        with _failures():
            await self._start(table)
            return await self._writer.write(table, columns, rows)

    async def _start(self, *tables: Table) -> None:
        """Before the first rows of each table: set its indexes aside if it is empty."""
        for table in tables:
            if table in self._tables:
                continue
            self._tables.append(table)
            empty = not (
                await self._connection.execute(select(exists().select_from(table)))
            ).scalar()
            if empty:
                await self._writer.set_aside(table)


@contextmanager
def _failures() -> Iterator[None]:
    """Driver errors as `BulkLoadFailed`, naming the database's reason."""
    try:
        yield
    except DBAPIError as error:
        raise BulkLoadFailed(str(error.orig or error).strip()) from error
    except psycopg.Error as error:
        raise BulkLoadFailed(str(error).strip()) from error


_USER_COLUMNS = (
    "id",
    "username",
    "email",
    "password_hash",
    "display_name",
    "bio",
    "avatar_url",
    "avatar_version",
    "created_at",
    "updated_at",
    "follower_count",
    "following_count",
    "video_count",
    "like_count",
)


def _user_row(user: User) -> tuple[Any, ...]:
    return (
        user.id,
        user.username,
        user.email,
        user.password_hash,
        user.display_name,
        user.bio,
        user.avatar_url,
        user.avatar_version,
        user.created_at,
        user.updated_at,
        user.follower_count,
        user.following_count,
        user.video_count,
        user.like_count,
    )


_VIDEO_COLUMNS = (
    "id",
    "owner_id",
    "caption",
    "visibility",
    "status",
    "failure_reason",
    "content_type",
    "size_bytes",
    "storage_key",
    "upload_id",
    "upload_expires_at",
    "duration_seconds",
    "width",
    "height",
    "renditions",
    "poster_version",
    "blurhash",
    "created_at",
    "updated_at",
    "published_at",
    "view_count",
    "like_count",
    "comment_count",
    "engagement_points",
    "rank",
)


def _video_row(video: Video) -> tuple[Any, ...]:
    published = video.published_at
    return (
        video.id,
        video.owner_id,
        video.caption,
        video.visibility.value,
        video.status.value,
        video.failure_reason,
        video.content_type,
        video.size_bytes,
        video.storage_key,
        video.upload_id,
        video.upload_expires_at,
        video.duration_seconds,
        video.width,
        video.height,
        # As the repository stores them (`SqlVideoRepository`).
        [[r.width, r.height, r.bitrate_kbps] for r in video.renditions] or None,
        video.poster_version,
        video.blurhash,
        video.created_at,
        video.updated_at,
        published,
        video.view_count,
        video.like_count,
        video.comment_count,
        video.engagement_points,
        # As the repository stores it (`SqlVideoRepository.add`).
        None if published is None else rank(video.engagement_points, published),
    )


_COMMENT_COLUMNS = (
    "id",
    "video_id",
    "parent_id",
    "author_id",
    "body",
    "created_at",
    "edited_at",
    "reply_count",
    "like_count",
)


def _comment_row(comment: Comment) -> tuple[Any, ...]:
    return (
        comment.id,
        comment.video_id,
        comment.parent_id,
        comment.author_id,
        comment.body,
        comment.created_at,
        comment.edited_at,
        comment.reply_count,
        comment.like_count,
    )
