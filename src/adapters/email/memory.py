"""An in-memory email sender: the outbox of unit tests."""

from __future__ import annotations

from email.message import EmailMessage

from adapters.email.mime import build_message
from application.ports.email_sender import EmailSender, OutgoingEmail


class MemoryEmailSender(EmailSender):
    """Keeps every sent message in `outbox` (oldest first), as it would go on the wire."""

    def __init__(self, sender: str = "Clipstream <no-reply@localhost>") -> None:
        self._sender = sender
        self.outbox: list[EmailMessage] = []

    async def send(self, email: OutgoingEmail) -> None:
        self.outbox.append(build_message(email, self._sender))
