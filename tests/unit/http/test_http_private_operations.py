"""What stays private: responses with credentials are never stored by caches, `/metrics` answers
only the addresses (or the token) it is configured for, and no route escapes the rate limit by its
name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar, get
from litestar.exceptions import ImproperlyConfiguredException
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from entrypoints.http.caching import check_private_responses
from entrypoints.http.schemas.users import MeOut
from tests.support.emails import deliver, token_in
from tests.support.fake_media import jpeg

API = "/api/v1"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]
METRICS_TOKEN = "metrics-token-0123456789abcdef0123456789"


def _private_operations(app: Litestar) -> set[tuple[str, str]]:
    """Operations whose success answers carry tokens or the account (`TokensOut`, `MeOut`)."""
    document = app.openapi_schema.to_schema()
    found = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2") and any(
                    name in str(response) for name in ("/TokensOut", "/MeOut")
                ):
                    found.add((method.upper(), path))
    return found


async def test_responses_with_tokens_or_the_account_are_never_stored(
    client: Client, container: Container
) -> None:
    body = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
    answers: dict[tuple[str, str], Any] = {}
    registered = await client.post(f"{API}/auth/register", json=body)
    answers["POST", f"{API}/auth/register"] = registered
    token = token_in((await deliver(container))[0])
    answers["POST", f"{API}/auth/email/verify"] = await client.post(
        f"{API}/auth/email/verify", json={"token": token}
    )
    login = await client.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    answers["POST", f"{API}/auth/login"] = login
    refresh = {"refreshToken": login.json()["refreshToken"]}
    refreshed = await client.post(f"{API}/auth/refresh", json=refresh)
    answers["POST", f"{API}/auth/refresh"] = refreshed
    auth = {"Authorization": f"Bearer {refreshed.json()['accessToken']}"}
    answers["GET", f"{API}/users/me"] = await client.get(f"{API}/users/me", headers=auth)
    answers["PATCH", f"{API}/users/me"] = await client.patch(
        f"{API}/users/me", json={"bio": "hi"}, headers=auth
    )
    answers["PUT", f"{API}/users/me/avatar"] = await client.put(
        f"{API}/users/me/avatar",
        content=jpeg(64, 64),
        headers={**auth, "Content-Type": "image/jpeg"},
    )
    assert set(answers) == _private_operations(client.app), "a new private route: add it here"
    for route, response in answers.items():
        assert response.status_code < 300, (route, response.text)
        assert "no-store" in response.headers.get("cache-control", ""), route
    public = await client.get(f"{API}/users/{registered.json()['user']['id']}")
    assert "no-store" not in public.headers.get("cache-control", "")


@get("/leaky", sync_to_thread=False)
def _leaky() -> MeOut:
    raise NotImplementedError


def test_a_route_answering_the_account_without_no_store_stops_the_start() -> None:
    with pytest.raises(ImproperlyConfiguredException, match="no-store"):
        check_private_responses(Litestar(route_handlers=[_leaky]))


async def _metrics(app: Litestar, client_host: str, headers: dict[str, str] | None = None) -> int:
    asgi: Any = app  # httpx types the ASGI callable with plain mappings, Litestar with its own
    transport = httpx.ASGITransport(app=asgi, client=(client_host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return (await http.get("/metrics", headers=headers or {})).status_code


@pytest.mark.parametrize(
    ("settings", "host", "headers", "status"),
    [
        ({}, "127.0.0.1", None, 200),
        ({}, "::1", None, 200),
        ({}, "203.0.113.7", None, 403),
        ({}, "testclient", None, 403),
        ({"metrics_allow": ("10.0.0.0/8",)}, "10.1.2.3", None, 200),
        ({"metrics_allow": ("10.0.0.0/8",)}, "127.0.0.1", None, 403),
        ({"metrics_token": METRICS_TOKEN.encode()}, "203.0.113.7", {"Authorization": f"Bearer {METRICS_TOKEN}"}, 200),
        ({"metrics_token": METRICS_TOKEN.encode()}, "203.0.113.7", {"Authorization": "Bearer wrong"}, 403),
        ({"metrics_token": METRICS_TOKEN.encode()}, "203.0.113.7", None, 403),
        ({"metrics_allow": ()}, "127.0.0.1", None, 403),
    ],
)  # fmt: skip
async def test_metrics_answer_only_allowed_addresses_or_the_token(
    make_container: Callable[..., Container],
    settings: dict[str, Any],
    host: str,
    headers: dict[str, str] | None,
    status: int,
) -> None:
    app = create_app(make_container(**settings))
    assert await _metrics(app, host, headers) == status


async def test_only_the_probes_and_metrics_escape_the_rate_limit(
    make_container: Callable[..., Container],
) -> None:
    app = create_app(make_container(rate_limit_per_minute=2))
    async with AsyncTestClient(app=app) as client:
        for _ in range(4):
            assert (await client.get("/health/live")).status_code == 200
        statuses = [
            (await client.get(f"{API}/users/by-username/healthcheck")).status_code for _ in range(3)
        ]
        assert statuses == [404, 404, 429]
        statuses = [(await client.get(f"{API}/users/by-username/metrics")).status_code]
        assert statuses == [429]
