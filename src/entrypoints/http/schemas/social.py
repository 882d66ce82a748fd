"""Structs of follows and likes."""

from __future__ import annotations

import msgspec

from entrypoints.http.schemas.users import UserSummaryOut


class FollowStateOut(msgspec.Struct, rename="camel"):
    """Whether you now follow the account, and its follower count."""

    following: bool
    follower_count: int


class LikeStateOut(msgspec.Struct, rename="camel"):
    """Whether you now like it, and its like count."""

    liked: bool
    like_count: int


class UserSummaryPageOut(msgspec.Struct, rename="camel"):
    """A page of accounts; pass `nextCursor` as `cursor` for the next one (null: last page)."""

    items: list[UserSummaryOut]
    next_cursor: str | None
