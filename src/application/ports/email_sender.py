"""Port: handing emails to the mail system."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingEmail:
    """One email to one address: a subject, a plain-text and an HTML part.

    `link` is the link the email carries, if any (a development outbox logs it).
    """

    to: str
    subject: str
    text: str
    html: str
    link: str | None = None

    def __repr__(self) -> str:  # the link carries a token: never in logs by accident
        return f"OutgoingEmail(to={self.to!r}, subject={self.subject!r})"


class EmailSender(Protocol):
    """Delivers emails (SMTP, a directory of `.eml` files, memory), adding `From`, `Date` and a
    `Message-ID`."""

    async def send(self, email: OutgoingEmail) -> None:
        """Deliver one email, or raise (the caller, a job, retries later)."""
        ...
