"""Structs of registration, login and sessions."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from application.auth.results import IssuedTokens
from domain.values import (
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
)
from entrypoints.http.schemas.users import AnyPassword, DisplayName, MeOut, me_out

Username = Annotated[
    str,
    Meta(
        min_length=USERNAME_MIN,
        max_length=USERNAME_MAX,
        pattern=r"^[A-Za-z0-9_.]+$(?!\n)",
        description="3..30 of a-z, 0-9, '_' and '.'; case-insensitive (stored lower-cased).",
        examples=["ana.silva"],
    ),
]
EmailAddress = Annotated[
    str,
    Meta(
        min_length=3,
        max_length=EMAIL_MAX,
        # A local part of 1..64 printable ASCII characters but '@', and a dotted host name.
        pattern=r"^[!-?A-~]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$(?!\n)",
        description="An email address (ASCII), unique case-insensitively.",
        examples=["ana@example.com"],
    ),
]
NewPassword = Annotated[
    str,
    Meta(
        min_length=PASSWORD_MIN,
        max_length=PASSWORD_MAX,
        pattern=r"^[^\x00]*$",
        description="8..256 characters, no NUL; every character counts.",
        examples=["correct horse battery staple"],
    ),
]
Login = Annotated[str, Meta(min_length=1, max_length=EMAIL_MAX, description="Username or email.")]
OpaqueToken = Annotated[str, Meta(min_length=1, max_length=512)]


class RegisterIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A new account."""

    username: Username
    email: EmailAddress
    password: NewPassword
    display_name: DisplayName | None = None


class LoginIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Credentials: a username or an email, and the password."""

    login: Login
    password: AnyPassword


class RefreshIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A refresh token."""

    refresh_token: OpaqueToken


class ChangePasswordIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The current password, and the new one."""

    current_password: AnyPassword
    new_password: NewPassword


EmailToken = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=512,
        description="The `token` parameter of the link in the email.",
    ),
]


class EmailTokenIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The token of a verification or email-change link."""

    token: EmailToken


class ForgotPasswordIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The address of the account whose password was forgotten."""

    email: EmailAddress


class ResetPasswordIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The token of a reset link, and the new password."""

    token: EmailToken
    new_password: NewPassword


class ChangeEmailIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The new address, and the current password."""

    email: EmailAddress
    password: AnyPassword


class TokensOut(msgspec.Struct, rename="camel"):
    """A session's tokens: send `accessToken` as `Authorization: Bearer ...`; refresh before it expires."""

    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"]
    expires_in: Annotated[int, Meta(description="Seconds until the access token expires.")]
    user: MeOut


def tokens_out(issued: IssuedTokens) -> TokensOut:
    return TokensOut(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        token_type="Bearer",  # noqa: S106 (a scheme name)
        expires_in=issued.expires_in,
        user=me_out(issued.user),
    )
