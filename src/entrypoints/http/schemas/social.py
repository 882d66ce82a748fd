"""Structs of follows and likes."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

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


class SaveStateOut(msgspec.Struct, rename="camel"):
    """Whether you now have the video saved."""

    saved: bool


class ShareIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """How the video was shared (optional)."""

    channel: Annotated[
        Literal["copy_link", "message", "other"] | None,
        Meta(description="How the video was shared: `copy_link`, `message` or `other`."),
    ] = None
