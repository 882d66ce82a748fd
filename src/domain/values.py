"""Value objects of accounts: each validates on construction and is immutable.

Every constructor raises `ValidationFailed` naming the API field, so a use case can collect the
errors of several fields into one response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import ValidationFailed

USERNAME_MIN = 3
USERNAME_MAX = 30
EMAIL_MAX = 254
PASSWORD_MIN = 8
PASSWORD_MAX = 256
DISPLAY_NAME_MAX = 50
BIO_MAX = 500
AVATAR_URL_MAX = 2048

_USERNAME_RE = re.compile(r"[a-z0-9_.]+")
# Deliberately simple: one @, a non-empty local part, a dotted domain, no spaces or controls.
_EMAIL_RE = re.compile(
    r"[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_URL_RE = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_username(raw: str) -> str:
    """Usernames are case-insensitive: lower-case before validation, storage and lookup."""
    return raw.strip().lower()


def could_be_username(normalized: str) -> bool:
    """Whether a (normalised) text can be some account's username; lookups of anything else find
    nothing without asking the store (which may refuse the text outright: NUL bytes)."""
    return USERNAME_MIN <= len(normalized) <= USERNAME_MAX and bool(
        _USERNAME_RE.fullmatch(normalized)
    )


def could_start_username(normalized: str) -> bool:
    """Whether some username can start with this (normalised) prefix."""
    return len(normalized) <= USERNAME_MAX and bool(_USERNAME_RE.fullmatch(normalized))


def could_be_login(normalized: str) -> bool:
    """Whether a (normalised) login can name an account: a possible username or email address."""
    return could_be_username(normalized) or (
        len(normalized) <= EMAIL_MAX and bool(_EMAIL_RE.fullmatch(normalized))
    )


@dataclass(frozen=True, slots=True)
class Username:
    """3..30 characters of `[a-z0-9_.]`, after lower-casing."""

    value: str

    @classmethod
    def parse(cls, raw: str, field: str = "username") -> Username:
        value = normalize_username(raw)
        if not USERNAME_MIN <= len(value) <= USERNAME_MAX:
            raise ValidationFailed.single(
                field, f"must be {USERNAME_MIN} to {USERNAME_MAX} characters long"
            )
        if not _USERNAME_RE.fullmatch(value):
            raise ValidationFailed.single(
                field, "may contain only letters a-z, digits, '_' and '.'"
            )
        return cls(value)


@dataclass(frozen=True, slots=True)
class Email:
    """A syntactically valid address, stored lower-cased (unique case-insensitively)."""

    value: str

    @classmethod
    def parse(cls, raw: str, field: str = "email") -> Email:
        value = raw.strip().lower()
        if len(value) > EMAIL_MAX or not _EMAIL_RE.fullmatch(value):
            raise ValidationFailed.single(field, "must be a valid email address")
        return cls(value)


@dataclass(frozen=True, slots=True)
class Password:
    """8..256 characters; every character counts (hashing pre-hashes, nothing is truncated)."""

    value: str

    @classmethod
    def parse(cls, raw: str, field: str = "password") -> Password:
        if not PASSWORD_MIN <= len(raw) <= PASSWORD_MAX:
            raise ValidationFailed.single(
                field, f"must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long"
            )
        if "\x00" in raw:
            raise ValidationFailed.single(field, "must not contain NUL characters")
        return cls(raw)

    def __repr__(self) -> str:  # never leak a password into logs or tracebacks
        return "Password(***)"


def _bounded_text(raw: str | None, field: str, limit: int, *, multiline: bool) -> str | None:
    if raw is None:
        return None
    value = raw.strip()
    if len(value) > limit:
        raise ValidationFailed.single(field, f"must be at most {limit} characters long")
    controls = _CONTROL_RE if multiline else re.compile(r"[\x00-\x1f\x7f]")
    if controls.search(value):
        raise ValidationFailed.single(field, "must not contain control characters")
    return value or None


def parse_display_name(raw: str | None) -> str | None:
    """At most 50 characters, one line; blank means unset."""
    return _bounded_text(raw, "displayName", DISPLAY_NAME_MAX, multiline=False)


def parse_bio(raw: str | None) -> str | None:
    """At most 500 characters, line breaks allowed; blank means unset."""
    return _bounded_text(raw, "bio", BIO_MAX, multiline=True)


def parse_avatar_url(raw: str | None) -> str | None:
    """An absolute http(s) URL of at most 2048 characters; blank means unset."""
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if len(value) > AVATAR_URL_MAX or not _URL_RE.fullmatch(value):
        raise ValidationFailed.single("avatarUrl", "must be an absolute http(s) URL")
    return value
