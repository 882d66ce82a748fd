"""Hostile inputs on every route (in memory): never a 5xx, every error a problem-details body."""

from __future__ import annotations

from collections.abc import Callable

from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.hostile import run_corpus


async def test_no_hostile_input_gets_a_server_error_or_a_bare_error(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(public_url="http://testserver.local")
    count, failures = await run_corpus(create_app(container), container)
    assert count > 1000
    assert not failures, "\n".join(f"{label}: {why}" for label, why in sorted(failures.items()))


async def test_oversized_uris_and_header_blocks_get_problem_details(
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    long_uri = await client.get("/api/v1/videos?q=" + "a" * 9000)
    assert long_uri.status_code == 414
    assert long_uri.headers["content-type"] == "application/problem+json"
    assert long_uri.json()["status"] == 414
    many = await client.get("/health/live", headers={f"x-h{i}": "1" for i in range(80)})
    assert many.status_code == 431
    assert many.json()["status"] == 431
    big = await client.get("/health/live", headers={"x-big": "a" * 40_000})
    assert big.status_code == 431
    assert big.headers["content-type"] == "application/problem+json"
    fine = await client.get("/health/live", headers={"x-fine": "a" * 4000})
    assert fine.status_code == 200


async def test_errors_written_without_problem_details_get_them(
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    page = await client.get("/schema/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"] == "application/problem+json"
    assert page.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Nothing matches the given URI",
    }
    head = await client.head("/schema/no-such-page")  # no HEAD there: 405, bodiless as HEAD is
    assert head.status_code == 405
    assert head.headers["content-type"] == "application/problem+json"
    assert head.content == b""
    asset = await client.get("/schema/swagger-ui-5.31.0/a%00b")
    assert asset.status_code == 404
    assert asset.headers["content-type"] == "application/problem+json"
