"""SQL user repository (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Executable, Row, Select, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.read_statements import users_by_prefix
from adapters.sqlalchemy.tables import comments, follows, users, video_likes, videos
from application.ports.user_repository import UserRepository
from domain.errors import DomainError, EmailTaken, UsernameTaken
from domain.moderation import Role
from domain.users import User

_LIKE_ESCAPE = "\\"

# Names given by the naming convention in `tables.py`, and the column SQLite names instead.
_UNIQUE_CLASHES: tuple[tuple[str, str, type[DomainError]], ...] = (
    ("uq_users_username", "users.username", UsernameTaken),
    ("uq_users_email", "users.email", EmailTaken),
)


class SqlUserRepository(UserRepository):
    """Accounts in the `users` table, on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, user: User) -> None:
        await self._write(
            insert(users).values(
                id=user.id,
                created_at=user.created_at,
                follower_count=user.follower_count,
                following_count=user.following_count,
                video_count=user.video_count,
                like_count=user.like_count,
                **_mutable(user),
            )
        )

    async def update(self, user: User) -> None:
        await self._write(update(users).where(users.c.id == user.id).values(**_mutable(user)))

    async def delete(self, user_id: UUID) -> None:
        # Its sessions, videos, comments, likes and follows go with it (ON DELETE CASCADE).
        await self._connection.execute(delete(users).where(users.c.id == user_id))

    async def lock_for_deletion(self, user_id: UUID) -> None:
        if self._connection.dialect.name != "postgresql":
            return  # SQLite serialises writers: nothing can be in flight
        # A follow, like or comment referring to the account holds a key-share lock on its row
        # until it commits, a reply to one of its comments on the comment's row: these wait for
        # them, then shut out new ones.
        for locked in (
            select(users.c.id).where(users.c.id == user_id),
            select(comments.c.id).where(
                comments.c.author_id == user_id, comments.c.parent_id.is_(None)
            ),
        ):
            await self._connection.execute(locked.with_for_update())

    async def get(self, user_id: UUID) -> User | None:
        return await self._one(select(users).where(users.c.id == user_id))

    async def get_by_username(self, username: str) -> User | None:
        return await self._one(select(users).where(users.c.username == username))

    async def get_by_login(self, login: str) -> User | None:
        return await self._one(
            select(users).where(or_(users.c.username == login, users.c.email == login)).limit(1)
        )

    async def add_to_counters(
        self,
        user_id: UUID,
        *,
        followers: int = 0,
        following: int = 0,
        videos: int = 0,
        likes: int = 0,
    ) -> None:
        deltas = {
            users.c.follower_count: followers,
            users.c.following_count: following,
            users.c.video_count: videos,
            users.c.like_count: likes,
        }
        changes = {column: column + delta for column, delta in deltas.items() if delta}
        if changes:
            # Relative to the stored value, so concurrent transactions never lose an increment.
            await self._connection.execute(
                update(users).where(users.c.id == user_id).values(changes)
            )

    async def add_to_counters_of_followed(self, follower_id: UUID, *, followers: int) -> None:
        followed = select(follows.c.followee_id).where(follows.c.follower_id == follower_id)
        await self._connection.execute(
            update(users)
            .where(users.c.id.in_(followed))
            .values(follower_count=users.c.follower_count + followers)
        )

    async def add_to_counters_of_followers(self, followee_id: UUID, *, following: int) -> None:
        followers = select(follows.c.follower_id).where(follows.c.followee_id == followee_id)
        await self._connection.execute(
            update(users)
            .where(users.c.id.in_(followers))
            .values(following_count=users.c.following_count + following)
        )

    async def add_to_counters_of_liked_owners(self, liker_id: UUID, *, likes: int) -> None:
        liked = videos.join(video_likes, video_likes.c.video_id == videos.c.id)
        of_others = (video_likes.c.user_id == liker_id, videos.c.owner_id != liker_id)
        likes_of_owner = (
            select(func.count())
            .select_from(liked)
            .where(*of_others, videos.c.owner_id == users.c.id)
            .scalar_subquery()
        )
        await self._connection.execute(
            update(users)
            .where(users.c.id.in_(select(videos.c.owner_id).select_from(liked).where(*of_others)))
            .values(like_count=users.c.like_count + likes * likes_of_owner)
        )

    async def search_by_username_prefix(
        self, prefix: str, *, viewer_id: UUID | None, after: str | None, limit: int
    ) -> Sequence[User]:
        query = users_by_prefix(viewer_id is not None, after is not None)
        params: dict[str, Any] = {"pattern": _escape_like(prefix) + "%", "page_limit": limit}
        if viewer_id is not None:
            params["viewer_id"] = viewer_id
        if after is not None:
            params["after_username"] = after
        result = await self._connection.execute(query, params)
        return [user_from_row(row) for row in result]

    async def set_role(self, user_id: UUID, role: Role) -> None:
        await self._connection.execute(
            update(users).where(users.c.id == user_id).values(role=role.value)
        )

    async def set_suspended(self, user_id: UUID, suspended_at: datetime | None) -> None:
        await self._connection.execute(
            update(users).where(users.c.id == user_id).values(suspended_at=suspended_at)
        )

    async def _one(self, query: Select[Any]) -> User | None:
        row = (await self._connection.execute(query)).first()
        return None if row is None else user_from_row(row)

    async def _write(self, statement: Executable) -> None:
        # A savepoint keeps the transaction usable after a clash (PostgreSQL would abort it), so the
        # unit of work behaves like the in-memory one.
        try:
            async with self._connection.begin_nested():
                await self._connection.execute(statement)
        except IntegrityError as error:
            clash = _unique_clash(error)
            if clash is None:
                raise
            raise clash from error


def _mutable(user: User) -> dict[str, Any]:
    """The columns `update` replaces: profile, credentials, `updated_at`.

    Not the id, the creation time, nor the counters: those change only through `add_to_counters`
    (relative updates), so a stale `User` cannot overwrite a concurrent increment.
    """
    return {
        "username": user.username,
        "email": user.email,
        "password_hash": user.password_hash,
        "display_name": user.display_name,
        "bio": user.bio,
        "avatar_url": user.avatar_url,
        "avatar_version": user.avatar_version,
        "updated_at": user.updated_at,
    }


def user_from_row(row: Row[Any]) -> User:
    return User(
        id=row.id,
        username=row.username,
        email=row.email,
        password_hash=row.password_hash,
        display_name=row.display_name,
        bio=row.bio,
        avatar_url=row.avatar_url,
        created_at=row.created_at,
        updated_at=row.updated_at,
        follower_count=row.follower_count,
        following_count=row.following_count,
        video_count=row.video_count,
        like_count=row.like_count,
        avatar_version=row.avatar_version,
        role=Role(row.role),
        suspended_at=row.suspended_at,
    )


def _escape_like(text: str) -> str:
    """Make `%`, `_` and the escape character itself match literally in a LIKE pattern."""
    return (
        text.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        .replace("%", _LIKE_ESCAPE + "%")
        .replace("_", _LIKE_ESCAPE + "_")
    )


def _unique_clash(error: IntegrityError) -> DomainError | None:
    """The domain error for a unique violation on username or email, else None.

    psycopg reports the constraint name (`diag.constraint_name`, also in the message); SQLite only
    says `UNIQUE constraint failed: users.username`.
    """
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    message = str(error.orig)
    for name, column, domain_error in _UNIQUE_CLASHES:
        if constraint is not None:
            if constraint == name:
                return domain_error()
        elif name in message or f"UNIQUE constraint failed: {column}" in message:
            return domain_error()
    return None
