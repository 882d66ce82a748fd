"""The development email sender: `.eml` files in a directory, and each link logged."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from adapters.email.mime import build_message
from application.ports.email_sender import EmailSender, OutgoingEmail

logger = logging.getLogger("clipstream.email")


class OutboxEmailSender(EmailSender):
    """Writes each email to `directory` as `<time>-<random>.eml` (open it in any mail program)
    and logs its recipient and link, so a developer can follow it: the default when no SMTP server
    is configured. A file appears whole or not at all (written aside, then renamed)."""

    def __init__(self, directory: Path, sender: str) -> None:
        self._directory = directory
        self._sender = sender

    async def send(self, email: OutgoingEmail) -> None:
        message = build_message(email, self._sender)
        path = await asyncio.to_thread(self._write, message.as_bytes())
        logger.info(
            "email to %s written to %s%s",
            email.to,
            path,
            f"; its link: {email.link}" if email.link else "",
        )

    def _write(self, data: bytes) -> Path:
        self._directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self._directory / f"{stamp}-{secrets.token_hex(4)}.eml"
        partial = path.with_suffix(".eml.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
        return path
