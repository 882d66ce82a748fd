"""Every route that takes a token ("auth" and "auth?") refuses a bad one: the routes come from the
app's own OpenAPI document, so a new route is covered the moment it declares its security."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from litestar import Litestar, get
from litestar.di import Provide
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import HTTPRouteHandler
from litestar.params import SkipValidation
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from application.auth.results import Principal
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from entrypoints.http.security import (
    BEARER_AUTH,
    OPTIONAL_SECURITY,
    check_route_security,
    provide_principal,
    provide_viewer,
)

API = "/api/v1"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]


def _operations(app: Litestar) -> list[tuple[str, str, list[dict[str, list[str]]]]]:
    """(method, path template, security) of every operation of the document that names a security."""
    document = app.openapi_schema.to_schema()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete"} and "security" in operation:
                found.append((method.upper(), path, operation["security"]))
    return found


def _is_optional(security: list[dict[str, list[str]]]) -> bool:
    return {} in security


def _forged_tokens(container: Container) -> dict[str, str]:
    """Tokens that must not pass: malformed, signed with another key, unsigned, of no session,
    expired."""
    tokens = container.core.tokens()
    now = datetime.now(UTC)
    nobody = tokens.issue_access_token(uuid.uuid4(), uuid.uuid4(), now)
    header = jwt.get_unverified_header(nobody)
    claims = jwt.decode(nobody, options={"verify_signature": False})
    return {
        "garbage": "not-a-token",
        "wrong key": jwt.encode(claims, b"another-secret-that-is-32-bytes-long!!", "HS256", header),
        "unsigned": jwt.encode(claims, "", "none", {**header, "alg": "none"}),
        "unknown session": nobody,
        "expired": tokens.issue_access_token(uuid.uuid4(), uuid.uuid4(), now - timedelta(hours=1)),
    }


FORGERIES = ("garbage", "wrong key", "unsigned", "unknown session", "expired")


def _concrete(path: str, user_id: str) -> str:
    """The path template with every parameter filled: ids with an existing user's id."""
    parts = []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.append(user_id if "id" in segment.lower() else "ana")
        else:
            parts.append(segment)
    return "/".join(parts)


@pytest.fixture
def app(container: Container) -> Litestar:
    return create_app(container)


async def test_the_document_declares_optional_and_required_security(app: Litestar) -> None:
    operations = _operations(app)
    optional = {(m, p) for m, p, s in operations if _is_optional(s)}
    required = {(m, p) for m, p, s in operations if not _is_optional(s)}
    assert ("GET", f"{API}/users/{{user_id}}/followers") in optional
    assert ("GET", f"{API}/users/{{user_id}}/following") in optional
    assert ("GET", f"{API}/users/me") in required
    assert ("GET", f"{API}/moderation/cases") in required
    declared = (
        [{BEARER_AUTH: []}],
        [{}, {BEARER_AUTH: []}],
        [{BEARER_AUTH: ["moderator"]}],  # a role: the scope, checked on every request (403)
        [{BEARER_AUTH: ["admin"]}],
    )
    assert all(s in declared for _, _, s in operations)


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_every_route_that_takes_a_token_refuses_a_forged_one(
    app: Litestar, container: Container, forgery: str
) -> None:
    token = _forged_tokens(container)[forgery]
    async with AsyncTestClient(app=app) as client:
        body = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
        registered = await client.post(f"{API}/auth/register", json=body)
        user_id = registered.json()["user"]["id"]
        answers = {}
        for method, path, _security in _operations(app):
            response = await client.request(
                method,
                _concrete(path, user_id),
                headers={"Authorization": f"Bearer {token}"},
            )
            answers[f"{method} {path}"] = response.status_code
            if response.status_code == 401:
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.headers["www-authenticate"].startswith("Bearer")
    assert answers, "no route declares a security requirement"
    wrong = {route: status for route, status in answers.items() if status != 401}
    assert not wrong, f"accepted a {forgery} token: {wrong}"


async def test_optional_routes_still_answer_anonymous_callers(app: Litestar) -> None:
    async with AsyncTestClient(app=app) as client:
        body = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
        user_id = (await client.post(f"{API}/auth/register", json=body)).json()["user"]["id"]
        for method, path in [
            ("GET", f"{API}/users/{user_id}/followers"),
            ("GET", f"{API}/users/{user_id}/following"),
            ("GET", f"{API}/users/{user_id}"),
            ("GET", f"{API}/feed"),
        ]:
            assert (await client.request(method, path)).status_code == 200, path


@get("/mismatch", security=OPTIONAL_SECURITY, sync_to_thread=False)
def _needs_principal_but_declares_optional(principal: SkipValidation[Principal]) -> None:
    return None


@get("/undeclared", sync_to_thread=False)
def _takes_viewer_but_declares_nothing(viewer: SkipValidation[Principal | None]) -> None:
    return None


@pytest.mark.parametrize(
    "handler", [_needs_principal_but_declares_optional, _takes_viewer_but_declares_nothing]
)
def test_a_route_whose_declaration_and_parameters_disagree_stops_the_start(
    handler: HTTPRouteHandler,
) -> None:
    app = Litestar(
        route_handlers=[handler],
        dependencies={
            "principal": Provide(provide_principal, sync_to_thread=False),
            "viewer": Provide(provide_viewer, sync_to_thread=False),
        },
    )
    with pytest.raises(ImproperlyConfiguredException, match="security"):
        check_route_security(app)


def test_the_document_says_which_bodies_are_optional(app: Litestar) -> None:
    """A body whose handler parameter has a default is optional in the document, and only then
    (`POST /videos/{id}/complete` without a body completes a single upload)."""
    document = app.openapi_schema.to_schema()
    checked = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None or not handler.include_in_schema:
                continue
            for method in handler.http_methods:
                operation = document["paths"][route.path_format][method.lower()]
                expected = not data.has_default
                assert operation["requestBody"]["required"] is expected, (method, route.path)
                checked += 1
    assert checked > 10
    complete = document["paths"][f"{API}/videos/{{video_id}}/complete"]["post"]
    assert complete["requestBody"]["required"] is False
