"""Account email end to end: the real `clipstream serve` process sends through aiosmtplib to a
real SMTP server (aiosmtpd on 127.0.0.1, a free port); the tests parse what arrives with the
standard `email` package, follow the link's token and finish each flow over HTTP.

Also: a mail server that is down for a while gets the email once it is back (the job retries);
forgot-password answers byte-identically, in the same time, for known and unknown addresses;
the outbox directory (the default without an SMTP server) holds a reset email a person can use.
"""

from __future__ import annotations

import email
import email.policy
import statistics
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.servers import running_server
from tests.support.emails import body_of, link_in, token_in
from tests.support.smtp import SmtpTestServer, smtp_server

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a new passphrase for ana"


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    return {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
        "CLIPSTREAM_MAIL_FROM": "Clipstream <no-reply@clips.test>",
        **extra,
    }


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(smtp: SmtpTestServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("account-email")
    env = _env(tmp, CLIPSTREAM_SMTP_URL=smtp.url, CLIPSTREAM_RATE_LIMIT_PER_MINUTE="0")
    with running_server(env, tmp / "server.log") as base:
        yield base


def _api(base: str) -> httpx.Client:
    return httpx.Client(base_url=f"{base}/api/v1", timeout=10)


def _register(client: httpx.Client, username: str) -> dict[str, Any]:
    response = client.post(
        "/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _next_to(smtp: SmtpTestServer, address: str, after: int, subject: str) -> EmailMessage:
    """The first email to `address` with `subject` among those after the first `after`."""
    deadline = time.monotonic() + 30
    while True:
        arrived = smtp.wait_for(after + 1, timeout=max(0.1, deadline - time.monotonic()))
        for message in arrived[after:]:
            if message["To"] == address and message["Subject"] == subject:
                return message
        after = len(arrived)


def test_registration_email_verifies_the_address(smtp: SmtpTestServer, server: str) -> None:
    before = len(smtp.messages)
    with _api(server) as client:
        tokens = _register(client, "vera")
        message = _next_to(smtp, "vera@example.com", before, "Verify your email address")
        assert message["From"] == "Clipstream <no-reply@clips.test>"
        assert message["Message-ID"]
        assert message["Date"]
        assert link_in(message).startswith(f"{server}/account/verify-email?token=")
        assert link_in(message) in body_of(message, "html")
        page = httpx.get(link_in(message), timeout=10)  # what a mail scanner does
        assert page.status_code == 200
        verified = client.post("/auth/email/verify", json={"token": token_in(message)})
        assert verified.status_code == 200, verified.text
        assert verified.json()["emailVerified"] is True
        me = client.get("/users/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
        assert me.json()["emailVerified"] is True


def test_a_forgotten_password_is_reset_from_the_email(smtp: SmtpTestServer, server: str) -> None:
    with _api(server) as client:
        tokens = _register(client, "rosa")
        before = len(smtp.messages)
        assert (
            client.post("/auth/password/forgot", json={"email": "rosa@example.com"}).status_code
            == 202
        )
        message = _next_to(smtp, "rosa@example.com", before, "Reset your password")
        assert link_in(message).startswith(f"{server}/account/reset-password?token=")
        reset = client.post(
            "/auth/password/reset",
            json={"token": token_in(message), "newPassword": NEW_PASSWORD},
        )
        assert reset.status_code == 204, reset.text
        old = client.get("/users/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
        assert old.status_code == 401
        login = client.post("/auth/login", json={"login": "rosa", "password": NEW_PASSWORD})
        assert login.status_code == 200
        notice = _next_to(smtp, "rosa@example.com", before, "Your password was changed")
        assert "token=" not in body_of(notice)


def test_an_email_change_is_confirmed_from_the_new_address(
    smtp: SmtpTestServer, server: str
) -> None:
    with _api(server) as client:
        tokens = _register(client, "emil")
        auth = {"Authorization": f"Bearer {tokens['accessToken']}"}
        before = len(smtp.messages)
        change = client.put(
            "/users/me/email",
            json={"email": "emil.new@example.com", "password": PASSWORD},
            headers=auth,
        )
        assert change.status_code == 202, change.text
        confirm = _next_to(smtp, "emil.new@example.com", before, "Confirm your new email address")
        notice = _next_to(smtp, "emil@example.com", before, "Your email address is being changed")
        assert "emil.new@example.com" in body_of(notice)
        verified = client.post("/auth/email/verify", json={"token": token_in(confirm)})
        assert verified.status_code == 200, verified.text
        assert client.get("/users/me", headers=auth).json()["email"] == "emil.new@example.com"


def test_forgot_password_answers_alike_for_known_and_unknown_addresses(server: str) -> None:
    """Byte-identical answers, and median latencies within 20 % over 30 tries each."""
    with _api(server) as client:
        _register(client, "tina")
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        bodies: dict[str, set[bytes]] = {"known": set(), "unknown": set()}
        addresses = {"known": "tina@example.com", "unknown": "nobody.here@example.com"}
        for _ in range(3):  # warm both paths up
            for address in addresses.values():
                client.post("/auth/password/forgot", json={"email": address})
        for attempt in range(60):
            kind = ("known", "unknown")[attempt % 2]  # interleaved: both see the same noise
            started = time.perf_counter()
            response = client.post("/auth/password/forgot", json={"email": addresses[kind]})
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 202
            bodies[kind].add(response.content)
        assert bodies["known"] == bodies["unknown"]
        assert len(bodies["known"]) == 1
        known, unknown = statistics.median(timings["known"]), statistics.median(timings["unknown"])
        assert abs(known - unknown) <= 0.2 * max(known, unknown), (known, unknown)


def test_an_email_sent_while_the_mail_server_is_down_arrives_once_it_is_back(
    tmp_path: Path,
) -> None:
    down = SmtpTestServer()  # not started yet: connections are refused
    with running_server(
        _env(tmp_path, CLIPSTREAM_SMTP_URL=down.url), tmp_path / "server.log"
    ) as base:
        with _api(base) as client:
            _register(client, "paul")
        time.sleep(2)  # the first attempt fails meanwhile (then waits 5 s, 10 s...)
        assert "email.send" in (tmp_path / "server.log").read_text()
        down.start()
        try:
            [message] = down.wait_for(1, timeout=40)
            assert message["To"] == "paul@example.com"
        finally:
            down.stop()


def test_without_an_smtp_server_emails_are_eml_files_and_their_links_are_logged(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox"
    env = _env(tmp_path, CLIPSTREAM_OUTBOX_DIR=str(outbox))
    with running_server(env, tmp_path / "server.log") as base, _api(base) as client:
        _register(client, "otto")
        client.post("/auth/password/forgot", json={"email": "otto@example.com"})
        deadline = time.monotonic() + 30
        while len(list(outbox.glob("*.eml"))) < 2:
            assert time.monotonic() < deadline, "the outbox did not fill"
            time.sleep(0.1)
        messages = [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(outbox.glob("*.eml"))
        ]
        [reset] = [m for m in messages if m["Subject"] == "Reset your password"]
        assert isinstance(reset, EmailMessage)
        assert link_in(reset) in (tmp_path / "server.log").read_text()
        done = client.post(
            "/auth/password/reset", json={"token": token_in(reset), "newPassword": NEW_PASSWORD}
        )
        assert done.status_code == 204, done.text
