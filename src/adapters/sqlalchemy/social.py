"""SQL follows, likes and comments (write side, SQLAlchemy Core), on the unit of work's connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CursorResult, Executable, Row, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import comment_likes, comments, follows, video_likes, videos
from application.ports.comment_repository import CommentRepository
from application.ports.follow_repository import FollowRepository
from application.ports.like_repository import LikeRepository
from domain.comments import Comment
from domain.errors import NotFound
from domain.moderation import ModerationState

# SQLSTATE of a foreign key violation (PostgreSQL); SQLite only says so in the message.
_FOREIGN_KEY_VIOLATION = "23503"


class SqlFollowRepository(FollowRepository):
    """Follows in the `follows` table; the primary key (follower, followee) keeps them unique."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, follower_id: UUID, followee_id: UUID, now: datetime) -> bool:
        return await _insert_pair(
            self._connection,
            follows,
            {"follower_id": follower_id, "followee_id": followee_id, "created_at": now},
            missing="user",
        )

    async def remove(self, follower_id: UUID, followee_id: UUID) -> bool:
        return await _delete_pair(
            self._connection,
            delete(follows).where(
                follows.c.follower_id == follower_id, follows.c.followee_id == followee_id
            ),
        )


class SqlLikeRepository(LikeRepository):
    """Likes in the `video_likes` and `comment_likes` tables, unique per (user, target)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def like_video(self, user_id: UUID, video_id: UUID, now: datetime) -> bool:
        return await _insert_pair(
            self._connection,
            video_likes,
            {"user_id": user_id, "video_id": video_id, "created_at": now},
            missing="video",
        )

    async def unlike_video(self, user_id: UUID, video_id: UUID) -> bool:
        return await _delete_pair(
            self._connection,
            delete(video_likes).where(
                video_likes.c.user_id == user_id, video_likes.c.video_id == video_id
            ),
        )

    async def like_comment(self, user_id: UUID, comment_id: UUID, now: datetime) -> bool:
        return await _insert_pair(
            self._connection,
            comment_likes,
            {"user_id": user_id, "comment_id": comment_id, "created_at": now},
            missing="comment",
        )

    async def unlike_comment(self, user_id: UUID, comment_id: UUID) -> bool:
        return await _delete_pair(
            self._connection,
            delete(comment_likes).where(
                comment_likes.c.user_id == user_id, comment_likes.c.comment_id == comment_id
            ),
        )


class SqlCommentRepository(CommentRepository):
    """Comments in the `comments` table; replies and likes go with their comment (ON DELETE CASCADE)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, comment: Comment) -> None:
        await _write(
            self._connection,
            insert(comments).values(
                id=comment.id,
                video_id=comment.video_id,
                parent_id=comment.parent_id,
                author_id=comment.author_id,
                body=comment.body,
                created_at=comment.created_at,
                edited_at=comment.edited_at,
                reply_count=comment.reply_count,
                like_count=comment.like_count,
            ),
            missing="video, parent comment or author",
        )

    async def get(self, comment_id: UUID) -> Comment | None:
        row = (
            await self._connection.execute(select(comments).where(comments.c.id == comment_id))
        ).first()
        return None if row is None else comment_from_row(row)

    async def edit(self, comment_id: UUID, body: str, edited_at: datetime) -> None:
        await self._connection.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(body=body, edited_at=edited_at)
        )

    async def delete(self, comment_id: UUID) -> int:
        # Lock the comment first (PostgreSQL; SQLite serialises writers anyway): a concurrent reply
        # holds a key-share lock on it until it commits, so the DELETEs below, new statements that
        # start once the lock is granted, see every reply. Replies are one level deep and are
        # deleted before their comment, so that none goes uncounted by cascading (SQLite's
        # cascades count as changes of no statement); likes go by ON DELETE CASCADE.
        locked = (
            await self._connection.execute(
                select(comments.c.id).where(comments.c.id == comment_id).with_for_update()
            )
        ).first()
        if locked is None:
            return 0
        replies: CursorResult[Any] = await self._connection.execute(
            delete(comments).where(comments.c.parent_id == comment_id)
        )
        itself: CursorResult[Any] = await self._connection.execute(
            delete(comments).where(comments.c.id == comment_id)
        )
        return replies.rowcount + itself.rowcount

    async def set_moderation(
        self, comment_id: UUID, state: ModerationState, reason: str | None
    ) -> None:
        await self._connection.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(moderation_state=state.value, moderation_reason=reason)
        )

    async def add_to_counters(self, comment_id: UUID, *, replies: int = 0, likes: int = 0) -> None:
        deltas = {comments.c.reply_count: replies, comments.c.like_count: likes}
        changes = {column: column + delta for column, delta in deltas.items() if delta}
        if changes:
            # Relative to the stored value, so concurrent transactions never lose an increment.
            await self._connection.execute(
                update(comments).where(comments.c.id == comment_id).values(changes)
            )

    async def add_to_counters_of_liked(self, liker_id: UUID, *, likes: int) -> None:
        liked = select(comment_likes.c.comment_id).where(comment_likes.c.user_id == liker_id)
        await self._connection.execute(
            update(comments)
            .where(comments.c.id.in_(liked))
            .values(like_count=comments.c.like_count + likes)
        )

    async def add_to_counters_of_replied(self, author_id: UUID, *, replies: int) -> None:
        reply = comments.alias("reply")
        theirs = (reply.c.author_id == author_id, reply.c.parent_id.is_not(None))
        replies_under = (
            select(func.count())
            .select_from(reply)
            .where(*theirs, reply.c.parent_id == comments.c.id)
            .scalar_subquery()
        )
        await self._connection.execute(
            update(comments)
            .where(
                comments.c.author_id != author_id,
                comments.c.id.in_(select(reply.c.parent_id).where(*theirs)),
            )
            .values(reply_count=comments.c.reply_count + replies * replies_under)
        )

    async def pin(self, video_id: UUID, comment_id: UUID, now: datetime) -> None:
        # Lock the video first (PostgreSQL; SQLite serialises writers anyway): a concurrent pin
        # waits here, then sees this one's pin and replaces it, instead of breaking the unique
        # index of pinned comments.
        await self._connection.execute(
            select(videos.c.id).where(videos.c.id == video_id).with_for_update()
        )
        await self._connection.execute(
            update(comments)
            .where(
                comments.c.video_id == video_id,
                comments.c.pinned_at.is_not(None),
                comments.c.id != comment_id,
            )
            .values(pinned_at=None)
        )
        await self._connection.execute(
            update(comments)
            .where(comments.c.id == comment_id, comments.c.pinned_at.is_(None))
            .values(pinned_at=now)
        )

    async def unpin(self, comment_id: UUID) -> bool:
        result: CursorResult[Any] = await self._connection.execute(
            update(comments)
            .where(comments.c.id == comment_id, comments.c.pinned_at.is_not(None))
            .values(pinned_at=None)
        )
        return result.rowcount == 1


def comment_from_row(row: Row[Any]) -> Comment:
    """The `Comment` of a row holding the `comments` columns."""
    return Comment(
        id=row.id,
        video_id=row.video_id,
        author_id=row.author_id,
        body=row.body,
        created_at=row.created_at,
        parent_id=row.parent_id,
        edited_at=row.edited_at,
        reply_count=row.reply_count,
        like_count=row.like_count,
        moderation_state=ModerationState(row.moderation_state),
        moderation_reason=row.moderation_reason,
        pinned_at=row.pinned_at,
    )


async def _insert_pair(
    connection: AsyncConnection, table: Table, values: dict[str, Any], *, missing: str
) -> bool:
    """Insert a row unless its primary key exists; whether it went in.

    Of concurrent identical inserts, the primary key lets exactly one in: the others wait for its
    transaction (PostgreSQL) and then do nothing. RETURNING says whether this one inserted (an
    INSERT's rowcount is not reported by every driver).
    """
    primary_key = next(iter(table.primary_key.columns))
    statement = (
        insert_ignoring_conflicts(connection.dialect.name, table)
        .values(values)
        .returning(primary_key)
    )
    inserted = await _write(connection, statement, missing=missing)
    return bool(inserted)


async def _delete_pair(connection: AsyncConnection, statement: Executable) -> bool:
    result: CursorResult[Any] = await connection.execute(statement)
    return result.rowcount == 1


async def _write(
    connection: AsyncConnection, statement: Executable, *, missing: str
) -> list[Row[Any]]:
    """Execute in a savepoint and return the RETURNING rows; a missing referenced row (a foreign
    key violation) raises `NotFound`.

    The savepoint keeps the transaction usable after the violation (PostgreSQL would abort it),
    like the in-memory unit of work.
    """
    try:
        async with connection.begin_nested():
            result = await connection.execute(statement)
            return list(result) if result.returns_rows else []
    except IntegrityError as error:
        if _is_foreign_key_violation(error):
            raise NotFound(f"The {missing} does not exist.") from error
        raise


def _is_foreign_key_violation(error: IntegrityError) -> bool:
    if getattr(error.orig, "sqlstate", None) == _FOREIGN_KEY_VIOLATION:
        return True
    return "FOREIGN KEY constraint failed" in str(error.orig)
