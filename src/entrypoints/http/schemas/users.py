"""Structs of accounts and profiles."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from application.users.profile import Profile
from domain.users import User
from domain.values import AVATAR_URL_MAX, BIO_MAX, DISPLAY_NAME_MAX, PASSWORD_MAX
from entrypoints.http.schemas.common import Id, Timestamp, timestamp

DisplayName = Annotated[
    str, Meta(max_length=DISPLAY_NAME_MAX, description="At most 50 characters; blank clears it.")
]
Bio = Annotated[
    str, Meta(max_length=BIO_MAX, description="At most 500 characters; blank clears it.")
]
AvatarUrl = Annotated[
    str, Meta(max_length=AVATAR_URL_MAX, description="An absolute http(s) URL; blank clears it.")
]
AnyPassword = Annotated[str, Meta(min_length=1, max_length=PASSWORD_MAX)]


class UserSummaryOut(msgspec.Struct, rename="camel"):
    """The public identity of an account."""

    id: Id
    username: str
    display_name: str | None
    avatar_url: str | None


class UserOut(UserSummaryOut):
    """A profile. `isFollowing` is null for anonymous viewers."""

    bio: str | None
    created_at: Timestamp
    follower_count: int
    following_count: int
    video_count: int
    like_count: Annotated[int, Meta(description="Likes received on the account's videos.")]
    is_following: bool | None


class MeOut(UserOut):
    """The signed-in account, with its email address."""

    email: str


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
    return UserOut(**_user_fields(profile.user), is_following=profile.is_following)  # type: ignore[arg-type]


def me_out(user: User) -> MeOut:
    return MeOut(**_user_fields(user), is_following=None, email=user.email)  # type: ignore[arg-type]


def summary_out(user: User) -> UserSummaryOut:
    return UserSummaryOut(
        id=str(user.id),
        username=user.username,
        display_name=user.display_name,
        avatar_url=user.avatar_url,
    )
