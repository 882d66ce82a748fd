"""The two account pages in a real headless browser (Debian's chromium, as the docs-page test):
a password is reset through the form, opening a link spends nothing, and the pages log no console
errors and request nothing from anywhere but the server itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from tests.integration.servers import running_server
from tests.integration.system.test_docs_page import TIMEOUT_MS, PageWatch, browser
from tests.support.emails import link_in, token_of
from tests.support.smtp import SmtpTestServer, smtp_server

__all__ = ["browser"]  # the fixture, shared with the docs-page test

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a new passphrase typed in a browser"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(smtp: SmtpTestServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("account-pages")
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
        "CLIPSTREAM_SMTP_URL": smtp.url,
    }
    with running_server(env, tmp / "server.log") as base:
        yield base


def _email_for(smtp: SmtpTestServer, server: str, username: str, subject: str) -> str:
    """Register `username` (asking for a reset when `subject` says so); the link that arrives."""
    before = len(smtp.messages)
    with httpx.Client(base_url=f"{server}/api/v1", timeout=10) as client:
        registered = client.post(
            "/auth/register",
            json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        if subject == "Reset your password":
            client.post("/auth/password/forgot", json={"email": f"{username}@example.com"})
    count = before + 1
    while True:
        for message in smtp.wait_for(count)[before:]:
            if message["Subject"] == subject and message["To"] == f"{username}@example.com":
                return link_in(message)
        count += 1


def test_a_password_is_reset_through_the_page(
    browser: Browser, smtp: SmtpTestServer, server: str
) -> None:
    link = _email_for(smtp, server, "petra", "Reset your password")
    page = browser.new_page(viewport={"width": 375, "height": 700})  # a phone
    watch = PageWatch(page, server)
    try:
        page.goto(link, wait_until="networkidle", timeout=TIMEOUT_MS)
        page.fill("#password", NEW_PASSWORD)
        page.fill("#again", NEW_PASSWORD)
        page.click("#go")
        page.locator("#status.ok").wait_for(timeout=TIMEOUT_MS)
        assert "password is changed" in page.locator("#status").inner_text()
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert watch.problems == []
        assert watch.foreign == []
    finally:
        page.close()
    login = httpx.post(
        f"{server}/api/v1/auth/login",
        json={"login": "petra", "password": NEW_PASSWORD},
        timeout=10,
    )
    assert login.status_code == 200, login.text


def test_opening_a_link_spends_nothing_and_the_button_verifies(
    browser: Browser, smtp: SmtpTestServer, server: str
) -> None:
    link = _email_for(smtp, server, "vicky", "Verify your email address")
    page = browser.new_page()
    watch = PageWatch(page, server)
    try:
        for _ in range(2):  # opened twice, as a scanner then a person would
            page.goto(link, wait_until="networkidle", timeout=TIMEOUT_MS)
        assert page.locator("#status").inner_text() == ""
        page.click("#go")
        page.locator("#status.ok").wait_for(timeout=TIMEOUT_MS)
        assert "vicky@example.com is verified" in page.locator("#status").inner_text()
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert watch.problems == []
        assert watch.foreign == []
    finally:
        page.close()
    again = httpx.post(
        f"{server}/api/v1/auth/email/verify", json={"token": token_of(link)}, timeout=10
    )
    assert again.status_code == 422  # the button spent it, once


def test_a_spent_link_says_so_on_the_page(
    browser: Browser, smtp: SmtpTestServer, server: str
) -> None:
    link = _email_for(smtp, server, "sven", "Verify your email address")
    spent = httpx.post(
        f"{server}/api/v1/auth/email/verify", json={"token": token_of(link)}, timeout=10
    )
    assert spent.status_code == 200
    page = browser.new_page()
    try:
        page.goto(link, wait_until="networkidle", timeout=TIMEOUT_MS)
        page.click("#go")
        page.locator("#status.error").wait_for(timeout=TIMEOUT_MS)
        assert "already used or expired" in page.locator("#status").inner_text()
    finally:
        page.close()
