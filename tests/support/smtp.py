"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 (a free port), in a thread of its own.

`server.messages` holds what it received (parsed with the standard `email` package, policy
`default`); `wait_for(count)` waits (with a deadline) until that many arrived. `stop()` and
`start()` take it down and bring it back on the same port (a mail server away for a while).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Recorder:
    def __init__(self, server: SmtpTestServer) -> None:
        self._server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self._server.record(message, list(envelope.rcpt_tos), envelope.mail_from)
        return "250 Message accepted for delivery"


class SmtpTestServer:
    """An aiosmtpd server that records every message."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO)
        self._lock = threading.Condition()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def record(self, message: EmailMessage, recipients: list[str], sender: str) -> None:
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((sender, recipients))
            self._lock.notify_all()

    def start(self, **options: Any) -> None:
        """Listen (again) on the server's port; `options` go to aiosmtpd (`tls_context` and
        `require_starttls` for STARTTLS, `ssl_context` for TLS from the first byte)."""
        controller = Controller(_Recorder(self), hostname="127.0.0.1", port=self.port, **options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The messages once at least `count` arrived; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.messages)} email(s) arrived within {timeout} s, {count} expected"
                    )
                self._lock.wait(left)
            return list(self.messages)


@contextmanager
def smtp_server() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
