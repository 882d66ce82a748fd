"""Domain errors: what the business rules refuse, independent of any transport."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base class of every error raised by the domain and the use cases."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input field and why it is invalid."""

    field: str
    message: str


class ValidationFailed(DomainError):
    """Input is well-formed but breaks one or more rules."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The request conflicts with the current state."""


class UsernameTaken(Conflict):
    """Another account already has this username."""

    def __init__(self) -> None:
        super().__init__("This username is already taken.")


class EmailTaken(Conflict):
    """Another account already has this email address."""

    def __init__(self) -> None:
        super().__init__("This email address is already registered.")


class AuthenticationFailed(DomainError):
    """Missing, invalid or expired credentials."""


class InvalidCredentials(AuthenticationFailed):
    """Login or password is wrong (deliberately does not say which)."""

    def __init__(self) -> None:
        super().__init__("The login or password is incorrect.")


class InvalidToken(AuthenticationFailed):
    """A token is malformed, forged, expired, revoked or of the wrong kind."""

    def __init__(self, reason: str = "The token is invalid or expired.") -> None:
        super().__init__(reason)


class Forbidden(DomainError):
    """Authenticated, but not allowed to do this."""


class EmailUnverified(Forbidden):
    """The action needs an account whose email address is verified."""

    def __init__(self) -> None:
        super().__init__("Verify your email address first (POST /api/v1/auth/email/verification).")


class TooManyAttempts(DomainError):
    """Too many attempts; retry after `retry_after_seconds`."""

    def __init__(self, retry_after_seconds: int, what: str = "failed login attempts") -> None:
        super().__init__(f"Too many {what}. Try again in {retry_after_seconds} seconds.")
        self.retry_after_seconds = retry_after_seconds
