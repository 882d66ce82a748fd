"""The interactive API documentation at /schema, in a real headless browser (Debian's chromium).

The real `clipstream serve` process serves the page; Playwright drives `/usr/bin/chromium` (its own
browser download is not used). The page must render every operation of the OpenAPI document, load
everything from the server itself (it works offline), log no console errors, have no failed
request, and its "Try it out" must reach the API.

`make test` installs chromium when it is missing. Without it the tests skip, except on CI
(`CI=true`), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

from tests.integration.servers import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("docs-page")
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp / "media"),
        "CLIPSTREAM_JWT_SECRET": "",  # development: a random secret per start
    }
    with running_server(env, tmp / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (`make test` installs it: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """Everything a page did that a healthy page does not: console errors, failed requests."""

    def __init__(self, page: Page, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} at {message.location}")

    def _failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    def _request(self, request: Request) -> None:
        if not request.url.startswith((f"{self.origin}/", "data:", "blob:")):
            self.foreign.append(request.url)


def _operations(server: str) -> set[tuple[str, str]]:
    document = httpx.get(f"{server}/schema/openapi.json", timeout=10).json()
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in methods
    }


def test_the_docs_page_renders_every_operation_offline_without_errors(
    browser: Browser, server: str
) -> None:
    page = browser.new_page()
    watch = PageWatch(page, server)
    try:
        response = page.goto(f"{server}/schema", wait_until="networkidle", timeout=TIMEOUT_MS)
        assert response is not None
        assert response.status == 200
        page.wait_for_selector(".swagger-ui .opblock", timeout=TIMEOUT_MS)

        assert "Clipstream API" in page.locator(".swagger-ui .info .title").inner_text()
        blocks = page.locator(".swagger-ui .opblock").evaluate_all(
            """blocks => blocks.map(block => [
                block.querySelector('.opblock-summary-method').textContent.trim(),
                block.querySelector('.opblock-summary-path').getAttribute('data-path'),
            ])"""
        )
        shown = {(method, path) for method, path in blocks}
        for expected in [
            ("POST", "/api/v1/auth/login"),
            ("POST", "/api/v1/auth/register"),
            ("GET", "/api/v1/feed"),
            ("GET", "/api/v1/feed/following"),
            ("POST", "/api/v1/videos"),
            ("GET", "/api/v1/videos/{video_id}/stream"),
            ("DELETE", "/api/v1/users/me"),
            ("GET", "/health/ready"),
        ]:
            assert expected in shown, f"{expected} is not on the page"
        assert shown == _operations(server), "the page shows other operations than the document"
        # Swagger UI lists the document's problems (resolver or parser errors) in this box.
        assert page.locator(".swagger-ui .errors-wrapper").count() == 0

        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert watch.problems == []
        assert watch.foreign == [], "the page must not need the internet"
    finally:
        page.close()


def test_try_it_out_reaches_the_api(browser: Browser, server: str) -> None:
    page = browser.new_page()
    watch = PageWatch(page, server)
    try:
        page.goto(f"{server}/schema", wait_until="networkidle", timeout=TIMEOUT_MS)
        operation = page.locator("#operations-videos-listVideos")
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Try it out").click()
        operation.locator("tr[data-param-name='hashtag'] input").fill("dance")
        operation.get_by_role("button", name="Execute").click()

        status = operation.locator(".live-responses-table .response .response-col_status")
        status.first.wait_for(timeout=TIMEOUT_MS)
        assert status.first.inner_text().strip() == "200"
        body = operation.locator(".live-responses-table .response-col_description pre").first
        assert '"items"' in body.inner_text()

        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert watch.problems == []
        assert watch.foreign == []
    finally:
        page.close()
