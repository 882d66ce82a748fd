"""One contract suite for the `EmailSender` port, run on every adapter: memory, the outbox
directory, and SMTP through aiosmtplib to a real SMTP server (aiosmtpd on 127.0.0.1).

Whatever the adapter, the message that arrives has a text and an HTML part, `From`, `To`,
`Subject`, `Date` and a `Message-ID`, and survives a round trip through the `email` package.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from adapters.email.memory import MemoryEmailSender
from adapters.email.outbox import OutboxEmailSender
from adapters.email.smtp import SmtpEmailSender, SmtpServer
from application.ports.email_sender import EmailSender, OutgoingEmail
from tests.support.emails import body_of
from tests.support.smtp import SmtpTestServer, smtp_server

SENDER = "Clipstream <no-reply@clips.example>"
Received = Callable[[], Awaitable[list[EmailMessage]]]


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(params=["memory", "outbox", "smtp"])
def adapter(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[EmailSender, Received]:
    """A sender, and how to read what it delivered."""
    if request.param == "memory":
        memory = MemoryEmailSender(SENDER)

        async def in_memory() -> list[EmailMessage]:
            return list(memory.outbox)

        return memory, in_memory
    if request.param == "outbox":
        directory = tmp_path / "outbox"

        async def in_files() -> list[EmailMessage]:
            found = []
            for path in sorted(directory.glob("*.eml")):
                parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                assert isinstance(parsed, EmailMessage)
                found.append(parsed)
            return found

        return OutboxEmailSender(directory, SENDER), in_files
    server: SmtpTestServer = request.getfixturevalue("smtp")
    already = len(server.messages)

    async def over_smtp() -> list[EmailMessage]:
        return list(server.messages[already:])

    sender = SmtpEmailSender(SmtpServer(host="127.0.0.1", port=server.port), SENDER)
    return sender, over_smtp


def _email(to: str = "ana@example.com", subject: str = "Réinitialiser ✓") -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject=subject,
        text="Hello Ana,\nopen https://clips.example/account/reset-password?token=abc\n",
        html="<p>Hello <b>Ana</b>, <a href='https://clips.example/x'>open</a></p>",
        link="https://clips.example/account/reset-password?token=abc",
    )


async def test_a_sent_email_arrives_with_text_html_and_its_headers(
    adapter: tuple[EmailSender, Received],
) -> None:
    sender, received = adapter
    await sender.send(_email())
    [message] = await received()
    assert message["To"] == "ana@example.com"
    assert message["From"] == SENDER
    assert message["Subject"] == "Réinitialiser ✓"
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message["Message-ID"].startswith("<")
    assert message["Message-ID"].endswith("@clips.example>")
    assert message.get_content_type() == "multipart/alternative"
    assert "token=abc" in body_of(message, "plain")
    assert "<b>Ana</b>" in body_of(message, "html")


async def test_every_email_has_its_own_message_id(adapter: tuple[EmailSender, Received]) -> None:
    sender, received = adapter
    await asyncio.gather(*(sender.send(_email(f"u{i}@example.com")) for i in range(3)))
    messages = await received()
    assert sorted(m["To"] for m in messages) == [f"u{i}@example.com" for i in range(3)]
    assert len({m["Message-ID"] for m in messages}) == 3


async def test_smtp_sends_to_the_envelope_recipient_from_the_sender_address(
    smtp: SmtpTestServer,
) -> None:
    sender = SmtpEmailSender(SmtpServer(host="127.0.0.1", port=smtp.port), SENDER)
    before = len(smtp.envelopes)
    await sender.send(_email("bo@example.com"))
    assert smtp.envelopes[before:] == [("no-reply@clips.example", ["bo@example.com"])]


async def test_smtp_raises_while_the_server_is_unreachable() -> None:
    down = SmtpTestServer()  # never started: its port refuses connections
    sender = SmtpEmailSender(
        SmtpServer(host="127.0.0.1", port=down.port, timeout_seconds=2), SENDER
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 (aiosmtplib's connection error)
        await sender.send(_email())


async def test_the_outbox_logs_the_link_so_a_developer_can_follow_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sender = OutboxEmailSender(tmp_path / "outbox", SENDER)
    with caplog.at_level("INFO", logger="clipstream.email"):
        await sender.send(_email())
    assert "https://clips.example/account/reset-password?token=abc" in caplog.text
    assert [p.suffix for p in (tmp_path / "outbox").iterdir()] == [".eml"]


@pytest.fixture(scope="module")
def server_tls(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A TLS context with a self-signed certificate for 127.0.0.1 (no client trusts it)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _certificate_refused(error: BaseException) -> bool:
    """Whether the error (or one it was raised from) is a refused server certificate."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def test_smtp_upgrades_with_starttls_when_the_server_offers_it(
    server_tls: ssl.SSLContext,
) -> None:
    server = SmtpTestServer()
    server.start(tls_context=server_tls, require_starttls=True)
    try:
        sender = SmtpEmailSender(SmtpServer(host="127.0.0.1", port=server.port), SENDER)
        with pytest.raises(Exception) as failure:  # noqa: PT011 (aiosmtplib's error types)
            await sender.send(_email())
        # It tried TLS (and checked the certificate) rather than sending in the clear.
        assert _certificate_refused(failure.value), repr(failure.value)
        assert server.messages == []
    finally:
        server.stop()


async def test_smtps_speaks_tls_from_the_first_byte(server_tls: ssl.SSLContext) -> None:
    server = SmtpTestServer()
    server.start(ssl_context=server_tls)
    try:
        sender = SmtpEmailSender(
            SmtpServer(host="127.0.0.1", port=server.port, implicit_tls=True, timeout_seconds=5),
            SENDER,
        )
        with pytest.raises(Exception) as failure:  # noqa: PT011 (aiosmtplib's error types)
            await sender.send(_email())
        assert _certificate_refused(failure.value), repr(failure.value)
        assert server.messages == []
    finally:
        server.stop()
