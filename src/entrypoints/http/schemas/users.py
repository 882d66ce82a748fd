"""Structs of accounts and profiles."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from application.users.profile import Profile
from domain.users import User
from domain.values import AVATAR_URL_MAX, BIO_MAX, DISPLAY_NAME_MAX, PASSWORD_MAX
from entrypoints.http.schemas.common import CONTROL, Id, Timestamp, timestamp

# The patterns state in the document, and enforce while decoding, what the domain accepts: no control
# characters (line breaks only where text may span lines). The domain trims surrounding whitespace.
ONE_LINE = rf"^[^{CONTROL}]*$(?!\n)"
MULTILINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # tab, line feed and carriage return allowed

DisplayName = Annotated[
    str,
    Meta(
        max_length=DISPLAY_NAME_MAX,
        pattern=ONE_LINE,
        description="At most 50 characters, one line; blank clears it.",
    ),
]
Bio = Annotated[
    str,
    Meta(
        max_length=BIO_MAX,
        pattern=MULTILINE,
        description="At most 500 characters; line breaks allowed; blank clears it.",
    ),
]
AvatarUrl = Annotated[
    str,
    Meta(
        max_length=AVATAR_URL_MAX,
        pattern=r"^(https?://[!-~]+)?$(?!\n)",
        description="An absolute http(s) URL (printable ASCII); empty clears it.",
        examples=["https://example.com/ana.png"],
    ),
]
AnyPassword = Annotated[str, Meta(min_length=1, max_length=PASSWORD_MAX)]


class UserSummaryOut(msgspec.Struct, rename="camel"):
    """The public identity of an account. `isFollowing`: whether the signed-in viewer follows it
    (null for anonymous viewers)."""

    id: Id
    username: str
    display_name: str | None
    avatar_url: str | None
    is_following: bool | None


class UserOut(UserSummaryOut):
    """A profile. `isFollowing` is null for anonymous viewers."""

    bio: str | None
    created_at: Timestamp
    follower_count: int
    following_count: int
    video_count: int
    like_count: Annotated[int, Meta(description="Likes received on the account's videos.")]
    is_blocking: Annotated[
        bool | None,
        Meta(description="Whether you block this account (null when anonymous)."),
    ]


class MeOut(UserOut):
    """The signed-in account, with its email address and role."""

    email: str
    role: Literal["user", "moderator", "admin"]


class UserPageOut(msgspec.Struct, rename="camel"):
    """A page of profiles; pass `nextCursor` as `cursor` for the next one (null: last page)."""

    items: list[UserOut]
    next_cursor: str | None


class UpdateProfileIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Only the fields sent change; null or blank clears a field."""

    display_name: DisplayName | UnsetType | None = UNSET
    bio: Bio | UnsetType | None = UNSET
    avatar_url: AvatarUrl | UnsetType | None = UNSET


class DeleteAccountIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The account's password, to confirm."""

    password: AnyPassword


def _user_fields(user: User) -> dict[str, object]:
    return {
        "id": str(user.id),
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "bio": user.bio,
        "created_at": timestamp(user.created_at),
        "follower_count": user.follower_count,
        "following_count": user.following_count,
        "video_count": user.video_count,
        "like_count": user.like_count,
    }


def user_out(profile: Profile) -> UserOut:
    return UserOut(
        **_user_fields(profile.user),  # type: ignore[arg-type]
        is_following=profile.is_following,
        is_blocking=profile.is_blocking,
    )


def me_out(user: User) -> MeOut:
    return MeOut(
        **_user_fields(user),  # type: ignore[arg-type]
        is_following=None,
        is_blocking=None,
        email=user.email,
        role=user.role.value,
    )


def summary_out(user: User, is_following: bool | None) -> UserSummaryOut:
    """The summary of `user`; `is_following`: whether the viewer follows them (None: anonymous)."""
    return UserSummaryOut(
        id=str(user.id),
        username=user.username,
        display_name=user.display_name,
        avatar_url=user.avatar_url,
        is_following=is_following,
    )
