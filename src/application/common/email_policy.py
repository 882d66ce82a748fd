"""Whether creating content needs a verified email address (`CLIPSTREAM_REQUIRE_VERIFIED_EMAIL`)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import EmailUnverified
from domain.users import User


@dataclass(frozen=True, slots=True)
class VerifiedEmailPolicy:
    """With `required`, creating videos and comments needs a verified address (else 403
    `email-unverified`); without it, anyone signed in may."""

    required: bool = False

    def check(self, user: User) -> None:
        """Raise `EmailUnverified` if the policy applies and `user`'s address is not verified."""
        if self.required and not user.email_verified:
            raise EmailUnverified()
