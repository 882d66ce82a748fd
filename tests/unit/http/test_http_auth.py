"""The /auth and /users contract over HTTP, on the in-memory adapters."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.unit.conftest import METRICS_AUTH

API = "/api/v1"
PASSWORD = "correct horse battery"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
Client = AsyncTestClient[Litestar]


async def register(client: Client, username: str = "ana", **extra: Any) -> dict[str, Any]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD, **extra}
    response = await client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    assert "Traceback" not in response.text
    return body


async def test_register_returns_tokens_and_me(client: Client) -> None:
    tokens = await register(client, "Ana.Silva", displayName="Ana")
    assert tokens["tokenType"] == "Bearer"
    assert 0 < tokens["expiresIn"] <= 900
    user = tokens["user"]
    assert user["username"] == "ana.silva"
    assert user["email"] == "ana.silva@example.com"
    assert user["displayName"] == "Ana"
    assert TIMESTAMP.match(user["createdAt"])
    assert user["bio"] is None
    assert user["avatarUrl"] is None
    assert user["isFollowing"] is None
    assert (
        user["followerCount"]
        == user["followingCount"]
        == user["videoCount"]
        == user["likeCount"]
        == 0
    )


async def test_register_login_refresh_and_read_me(client: Client) -> None:
    await register(client)
    login = await client.post(f"{API}/auth/login", json={"login": "ANA", "password": PASSWORD})
    assert login.status_code == 200
    tokens = login.json()
    me = await client.get(f"{API}/users/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["username"] == "ana"
    refreshed = await client.post(
        f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]}
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["refreshToken"] != tokens["refreshToken"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "a" * 31}, "username"),
        ({"username": "ana silva"}, "username"),
        ({"username": "ana-silva"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"password": "1234567"}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"displayName": "d" * 51}, "displayName"),
        ({"username": 42}, "username"),
    ],
)
async def test_register_validation_rules_answer_422_naming_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    payload = {"username": "ana", "email": "ana@example.com", "password": PASSWORD, **body}
    problem = assert_problem(await client.post(f"{API}/auth/register", json=payload), 422)
    assert field in [error["field"] for error in problem["errors"]]


async def test_missing_fields_are_422(client: Client) -> None:
    problem = assert_problem(
        await client.post(f"{API}/auth/register", json={"username": "ana"}), 422
    )
    assert problem["errors"]


async def test_taken_username_or_email_is_409(client: Client) -> None:
    await register(client, "ana")
    body = {"username": "ANA", "email": "new@example.com", "password": PASSWORD}
    taken = assert_problem(await client.post(f"{API}/auth/register", json=body), 409)
    assert taken["errors"][0]["field"] == "username"
    body = {"username": "new", "email": "Ana@Example.com", "password": PASSWORD}
    taken = assert_problem(await client.post(f"{API}/auth/register", json=body), 409)
    assert taken["errors"][0]["field"] == "email"


async def test_malformed_json_is_400(client: Client) -> None:
    response = await client.post(
        f"{API}/auth/login",
        content=b'{"login": "ana",',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400)


async def test_unknown_fields_are_422(client: Client) -> None:
    body = {"login": "ana", "password": PASSWORD, "admin": True}
    problem = assert_problem(await client.post(f"{API}/auth/login", json=body), 422)
    assert problem["errors"] == [{"field": "admin", "message": "is not a field of this body"}]


async def test_a_body_that_is_not_json_is_415(client: Client) -> None:
    response = await client.post(
        f"{API}/auth/login",
        content=b"login=ana",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_problem(response, 415)


async def test_an_oversized_body_is_413(client: Client) -> None:
    body = {"login": "ana", "password": "x" * 100_000}
    assert_problem(await client.post(f"{API}/auth/login", json=body), 413)


async def test_unknown_route_is_404_and_wrong_method_is_405(client: Client) -> None:
    assert_problem(await client.get(f"{API}/nothing-here"), 404)
    assert_problem(await client.get(f"{API}/auth/login"), 405)


async def test_long_passwords_count_every_character(client: Client) -> None:
    password = "ü" * 200  # 400 bytes
    body = {"username": "ana", "email": "ana@example.com", "password": password}
    assert (await client.post(f"{API}/auth/register", json=body)).status_code == 201
    wrong = await client.post(
        f"{API}/auth/login", json={"login": "ana", "password": password[:-1] + "u"}
    )
    assert_problem(wrong, 401)
    right = await client.post(f"{API}/auth/login", json={"login": "ana", "password": password})
    assert right.status_code == 200


async def test_unknown_user_and_wrong_password_answer_identically(client: Client) -> None:
    await register(client)
    unknown = await client.post(f"{API}/auth/login", json={"login": "nobody", "password": PASSWORD})
    wrong = await client.post(
        f"{API}/auth/login", json={"login": "ana", "password": "wrong password"}
    )
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_lockout_after_ten_failures_is_429_with_retry_after(
    client: Client, clock: ManualClock
) -> None:
    await register(client)
    for _ in range(10):
        response = await client.post(
            f"{API}/auth/login", json={"login": "ana", "password": "wrong password"}
        )
        assert response.status_code == 401
    locked = await client.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    assert_problem(locked, 429)
    assert 0 < int(locked.headers["retry-after"]) <= 900
    clock.advance(timedelta(minutes=15, seconds=1))
    assert (
        await client.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    ).status_code == 200


async def test_missing_and_invalid_tokens_are_401_with_a_challenge(client: Client) -> None:
    tokens = await register(client)
    cases = [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {tokens['refreshToken']}"},  # refresh token used as access token
    ]
    for headers in cases:
        response = await client.get(f"{API}/users/me", headers=headers)
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_alg_none_and_forged_tokens_are_401(client: Client) -> None:
    tokens = await register(client)
    claims = jwt.decode(tokens["accessToken"], options={"verify_signature": False})
    header = jwt.get_unverified_header(tokens["accessToken"])
    unsigned = jwt.encode(
        claims, "", algorithm="none", headers={"typ": "at+jwt", "kid": header["kid"]}
    )
    forged = jwt.encode(
        claims, "x" * 32, algorithm="HS256", headers={"typ": "at+jwt", "kid": header["kid"]}
    )
    for token in (unsigned, forged):
        assert_problem(
            await client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"}), 401
        )


async def test_expired_access_tokens_are_401(client: Client, clock: ManualClock) -> None:
    tokens = await register(client)
    clock.advance(timedelta(minutes=15))
    assert_problem(await client.get(f"{API}/users/me", headers=bearer(tokens)), 401)


async def test_invalid_token_is_401_even_where_auth_is_optional(client: Client) -> None:
    me = await register(client)
    url = f"{API}/users/{me['user']['id']}"
    assert (await client.get(url)).json()["isFollowing"] is None
    assert (await client.get(url, headers=bearer(me))).json()["isFollowing"] is False
    assert_problem(await client.get(url, headers={"Authorization": "Bearer nope"}), 401)


async def test_spent_refresh_token_revokes_the_session(client: Client) -> None:
    tokens = await register(client)
    first = await client.post(f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert first.status_code == 200
    replay = await client.post(f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert_problem(replay, 401)
    newest = first.json()
    assert_problem(
        await client.post(f"{API}/auth/refresh", json={"refreshToken": newest["refreshToken"]}), 401
    )
    assert_problem(await client.get(f"{API}/users/me", headers=bearer(newest)), 401)


async def test_logout_and_logout_all(client: Client) -> None:
    first = await register(client)
    second = (
        await client.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    ).json()
    third = (
        await client.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    ).json()
    assert (
        await client.post(f"{API}/auth/logout", json={"refreshToken": first["refreshToken"]})
    ).status_code == 204
    assert_problem(await client.get(f"{API}/users/me", headers=bearer(first)), 401)
    assert (await client.get(f"{API}/users/me", headers=bearer(second))).status_code == 200
    assert (await client.post(f"{API}/auth/logout-all", headers=bearer(second))).status_code == 204
    for tokens in (second, third):
        assert_problem(await client.get(f"{API}/users/me", headers=bearer(tokens)), 401)
        assert_problem(
            await client.post(f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]}),
            401,
        )
    assert_problem(await client.post(f"{API}/auth/logout-all"), 401)


async def test_change_password(client: Client) -> None:
    tokens = await register(client)
    other = (
        await client.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    ).json()
    url = f"{API}/auth/password"
    wrong = {"currentPassword": "wrong password", "newPassword": "new password 123"}
    assert_problem(await client.put(url, json=wrong, headers=bearer(tokens)), 403)
    short = {"currentPassword": PASSWORD, "newPassword": "short"}
    assert_problem(await client.put(url, json=short, headers=bearer(tokens)), 422)
    good = {"currentPassword": PASSWORD, "newPassword": "new password 123"}
    assert (await client.put(url, json=good, headers=bearer(tokens))).status_code == 204
    assert (await client.get(f"{API}/users/me", headers=bearer(tokens))).status_code == 200
    assert_problem(await client.get(f"{API}/users/me", headers=bearer(other)), 401)


async def test_profile_update_and_lookups(client: Client) -> None:
    tokens = await register(client, "ana")
    url = f"{API}/users/me"
    patched = await client.patch(
        url,
        json={"displayName": "Ana S", "bio": "Dancer", "avatarUrl": "https://x.example/a.png"},
        headers=bearer(tokens),
    )
    assert patched.status_code == 200
    assert (patched.json()["displayName"], patched.json()["bio"]) == ("Ana S", "Dancer")
    cleared = await client.patch(url, json={"bio": None}, headers=bearer(tokens))
    assert cleared.json()["bio"] is None
    assert cleared.json()["displayName"] == "Ana S"
    problem = assert_problem(
        await client.patch(url, json={"bio": "b" * 501}, headers=bearer(tokens)), 422
    )
    assert problem["errors"][0]["field"] == "bio"
    assert_problem(
        await client.patch(url, json={"email": "x@example.com"}, headers=bearer(tokens)), 422
    )

    by_name = await client.get(f"{API}/users/by-username/ANA")
    assert by_name.status_code == 200
    assert by_name.json()["displayName"] == "Ana S"
    assert "email" not in by_name.json()
    by_id = await client.get(f"{API}/users/{tokens['user']['id']}")
    assert by_id.json() == by_name.json()
    assert_problem(await client.get(f"{API}/users/by-username/nobody"), 404)
    assert_problem(await client.get(f"{API}/users/0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b"), 404)


async def test_search_pages_never_repeat_or_skip(client: Client) -> None:
    names = [f"user{i:02d}" for i in range(7)] + ["other"]
    for name in names:
        await register(client, name)
    for limit in (1, 2, 7):
        seen: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"q": "USER", "limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(f"{API}/users", params=params)).json()
            seen += [user["username"] for user in page["items"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == names[:7]


async def test_bad_paging_parameters_are_400(client: Client) -> None:
    bad: list[dict[str, str | int]] = [
        {"q": "a", "limit": 0},
        {"q": "a", "limit": 101},
        {"q": "a", "limit": "x"},
        {},
        {"q": "a", "cursor": "forged"},
    ]
    for params in bad:
        assert_problem(await client.get(f"{API}/users", params=params), 400)
    await register(client, "user1")
    await register(client, "user2")
    page = (await client.get(f"{API}/users", params={"q": "user", "limit": 1})).json()
    body, _, signature = page["nextCursor"].partition(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature
    assert_problem(await client.get(f"{API}/users", params={"q": "user", "cursor": tampered}), 400)


async def test_delete_account(client: Client) -> None:
    tokens = await register(client)
    url = f"{API}/users/me"
    assert_problem(
        await client.request(
            "DELETE", url, json={"password": "wrong password"}, headers=bearer(tokens)
        ),
        403,
    )
    assert (
        await client.request("DELETE", url, json={"password": PASSWORD}, headers=bearer(tokens))
    ).status_code == 204
    assert_problem(await client.get(url, headers=bearer(tokens)), 401)
    assert_problem(
        await client.post(f"{API}/auth/refresh", json={"refreshToken": tokens["refreshToken"]}), 401
    )
    assert_problem(await client.get(f"{API}/users/by-username/ana"), 404)


async def test_rate_limit_per_client_address(make_container: Callable[..., Container]) -> None:
    app = create_app(make_container(rate_limit_per_minute=3))
    async with AsyncTestClient(app=app) as limited:
        for _ in range(3):
            assert (await limited.get(f"{API}/users/by-username/nobody")).status_code == 404
        response = await limited.get(f"{API}/users/by-username/nobody")
        assert_problem(response, 429)
        assert int(response.headers["retry-after"]) > 0
        assert (await limited.get("/health/live")).status_code == 200  # probes are not limited


async def test_operations_endpoints(client: Client) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    assert (await client.get("/health/ready")).status_code == 200
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["openapi"].startswith("3.1")
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/users/me",
        "/api/v1/users/{user_id}",
    ]:
        assert path in schema["paths"]
    assert "BearerAuth" in schema["components"]["securitySchemes"]
    docs = await client.get("/schema")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    await client.get("/health/live")
    metrics = await client.get("/metrics", headers=METRICS_AUTH)
    assert metrics.status_code == 200
    assert "clipstream_requests_total" in metrics.text
