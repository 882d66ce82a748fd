"""Sending email to an SMTP server with aiosmtplib."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import aiosmtplib

from adapters.email.mime import build_message
from application.ports.email_sender import EmailSender, OutgoingEmail


@dataclass(frozen=True, slots=True, kw_only=True)
class SmtpServer:
    """Where and how to reach the mail server (from `CLIPSTREAM_SMTP_URL`).

    `implicit_tls` (`smtps://`): TLS from the first byte (port 465 by default); otherwise plain
    SMTP (port 587 by default) upgraded with STARTTLS whenever the server offers it.
    """

    host: str
    port: int
    implicit_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30


class SmtpEmailSender(EmailSender):
    """One SMTP connection per email (emails are rare: no pool to keep alive); a refused or
    unreachable server raises, and the job retries later."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self._server = server
        self._sender = sender
        self._local_hostname = socket.gethostname() or "localhost"  # no DNS lookup per email

    async def send(self, email: OutgoingEmail) -> None:
        server = self._server
        await aiosmtplib.send(
            build_message(email, self._sender),
            hostname=server.host,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.implicit_tls,
            start_tls=False if server.implicit_tls else None,  # None: STARTTLS when offered
            timeout=server.timeout_seconds,
            local_hostname=self._local_hostname,
        )
