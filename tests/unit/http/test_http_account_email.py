"""The account-email routes over HTTP, on the in-memory adapters and the memory sender."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.email.memory import MemoryEmailSender
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.support.emails import deliver, sent_to, token_in
from tests.unit.http.test_http_auth import API, PASSWORD, assert_problem, bearer, register

Client = AsyncTestClient[Litestar]
PROBLEM = "urn:clipstream:problem:"


async def verification_token(container: Container, address: str = "ana@example.com") -> str:
    return token_in(sent_to(await deliver(container), address)[-1])


async def test_verify_answers_me_with_email_verified(client: Client, container: Container) -> None:
    tokens = await register(client)
    assert tokens["user"]["emailVerified"] is False
    token = await verification_token(container)
    response = await client.post(f"{API}/auth/email/verify", json={"token": token})
    assert response.status_code == 200, response.text
    assert response.json()["emailVerified"] is True
    assert response.json()["email"] == "ana@example.com"
    assert "no-store" in response.headers["cache-control"]
    me = await client.get(f"{API}/users/me", headers=bearer(tokens))
    assert me.json()["emailVerified"] is True
    again = await client.post(f"{API}/auth/email/verify", json={"token": token})
    body = assert_problem(again, 422)
    assert body["errors"] == [{"field": "token", "message": "is unknown, already used or expired"}]


@pytest.mark.parametrize(
    "body", [{}, {"token": ""}, {"token": "x" * 513}, {"token": "abc", "extra": 1}, {"token": 5}]
)
async def test_verify_refuses_a_malformed_body(client: Client, body: dict[str, Any]) -> None:
    assert_problem(await client.post(f"{API}/auth/email/verify", json=body), 422)


async def test_requesting_verification_needs_a_session_and_waits_a_minute(
    client: Client, clock: ManualClock
) -> None:
    tokens = await register(client)
    assert_problem(await client.post(f"{API}/auth/email/verification"), 401)
    first = await client.post(f"{API}/auth/email/verification", headers=bearer(tokens))
    assert first.status_code == 202, first.text
    second = await client.post(f"{API}/auth/email/verification", headers=bearer(tokens))
    body = assert_problem(second, 429)
    assert body["type"] == PROBLEM + "too-many-attempts"
    assert 0 < int(second.headers["retry-after"]) <= 60
    clock.advance(timedelta(minutes=1))
    third = await client.post(f"{API}/auth/email/verification", headers=bearer(tokens))
    assert third.status_code == 202


async def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
    client: Client, container: Container
) -> None:
    await register(client)
    known = await client.post(f"{API}/auth/password/forgot", json={"email": "ana@example.com"})
    unknown = await client.post(f"{API}/auth/password/forgot", json={"email": "no@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    drop = {"date", "x-request-id"}
    assert {k: v for k, v in known.headers.items() if k not in drop} == {
        k: v for k, v in unknown.headers.items() if k not in drop
    }
    messages = await deliver(container)
    assert [m["To"] for m in messages] == ["ana@example.com", "ana@example.com"]
    assert_problem(
        await client.post(f"{API}/auth/password/forgot", json={"email": "not an address"}), 422
    )


async def test_reset_through_http_revokes_sessions_and_the_new_password_works(
    client: Client, container: Container
) -> None:
    tokens = await register(client)
    await client.post(f"{API}/auth/password/forgot", json={"email": "ana@example.com"})
    token = token_in((await deliver(container))[-1])
    weak = await client.post(
        f"{API}/auth/password/reset", json={"token": token, "newPassword": "short"}
    )
    assert_problem(weak, 422)
    done = await client.post(
        f"{API}/auth/password/reset", json={"token": token, "newPassword": "new passphrase!"}
    )
    assert done.status_code == 204, done.text
    assert_problem(await client.get(f"{API}/users/me", headers=bearer(tokens)), 401)
    login = await client.post(
        f"{API}/auth/login", json={"login": "ana", "password": "new passphrase!"}
    )
    assert login.status_code == 200
    spent = await client.post(
        f"{API}/auth/password/reset", json={"token": token, "newPassword": "other passphrase"}
    )
    assert assert_problem(spent, 422)["errors"][0]["field"] == "token"


async def test_change_email_is_202_then_confirmed_from_the_new_address(
    client: Client, container: Container
) -> None:
    tokens = await register(client)
    await register(client, "bob")
    url = f"{API}/users/me/email"
    wrong = await client.put(
        url, json={"email": "new@example.com", "password": "wrong"}, headers=bearer(tokens)
    )
    assert_problem(wrong, 401)
    taken = await client.put(
        url, json={"email": "bob@example.com", "password": PASSWORD}, headers=bearer(tokens)
    )
    assert assert_problem(taken, 409)["type"] == PROBLEM + "email-taken"
    accepted = await client.put(
        url, json={"email": "new@example.com", "password": PASSWORD}, headers=bearer(tokens)
    )
    assert accepted.status_code == 202, accepted.text
    me = await client.get(f"{API}/users/me", headers=bearer(tokens))
    assert me.json()["email"] == "ana@example.com"
    token = await verification_token(container, "new@example.com")
    confirmed = await client.post(f"{API}/auth/email/verify", json={"token": token})
    assert confirmed.json()["email"] == "new@example.com"
    assert confirmed.json()["emailVerified"] is True
    assert_problem(
        await client.put(url, json={"email": "x@example.com"}, headers=bearer(tokens)), 422
    )


@pytest.fixture
async def strict_client(
    make_container: Callable[..., Container],
) -> AsyncIterator[tuple[Client, Container]]:
    container = make_container(require_verified_email=True)
    container.core.email_sender.override(providers.Object(MemoryEmailSender()))
    async with AsyncTestClient(app=create_app(container)) as test_client:
        yield test_client, container


async def test_with_the_policy_an_unverified_account_cannot_post_videos(
    strict_client: tuple[Client, Container],
) -> None:
    client, container = strict_client
    tokens = await register(client)
    video = {"contentType": "video/mp4", "sizeBytes": 1000}
    refused = await client.post(f"{API}/videos", json=video, headers=bearer(tokens))
    assert assert_problem(refused, 403)["type"] == PROBLEM + "email-unverified"
    token = await verification_token(container)
    await client.post(f"{API}/auth/email/verify", json={"token": token})
    created = await client.post(f"{API}/videos", json=video, headers=bearer(tokens))
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("page", ["verify-email", "reset-password"])
async def test_the_account_pages_load_nothing_from_elsewhere_and_spend_nothing(
    client: Client, container: Container, page: str
) -> None:
    await register(client)
    token = await verification_token(container)
    response = await client.get(f"/account/{page}?token={token}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "no-store" in response.headers["cache-control"]
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "connect-src 'self'" in policy
    assert "unsafe" not in policy
    assert not re.search(r"(src|href)=\"(https?:)?//", response.text)
    assert token not in response.text  # read by the page's script, never echoed
    verified = await client.post(f"{API}/auth/email/verify", json={"token": token})
    assert verified.status_code == 200  # opening the page did not spend it


async def test_forgot_password_is_limited_per_client_address_whatever_the_address_asked(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(rate_limit_per_minute=600)
    container.core.email_sender.override(providers.Object(MemoryEmailSender()))
    async with AsyncTestClient(app=create_app(container)) as client:
        for number in range(10):
            answer = await client.post(
                f"{API}/auth/password/forgot", json={"email": f"u{number}@example.com"}
            )
            assert answer.status_code == 202, answer.text
        refused = await client.post(f"{API}/auth/password/forgot", json={"email": "x@example.com"})
        assert assert_problem(refused, 429)["type"] == PROBLEM + "rate-limited"
        assert int(refused.headers["retry-after"]) > 0
        other = await client.post(
            f"{API}/auth/login", json={"login": "nobody", "password": "whatever it is"}
        )
        assert other.status_code == 401  # the general limit is not used up by it
