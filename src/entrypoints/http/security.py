"""Bearer-token authentication as Litestar dependencies."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.params import SkipValidation

from application.auth.authenticate import Authenticate
from application.auth.results import Principal
from domain.errors import InvalidToken

BEARER_AUTH = "BearerAuth"
SECURITY: list[dict[str, list[str]]] = [{BEARER_AUTH: []}]
OPTIONAL_SECURITY: list[dict[str, list[str]]] = [{}, *SECURITY]  # anonymous, or with a token


def _bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the access token as 'Authorization: Bearer <token>'.")
    return token.strip()


async def provide_principal(
    request: Request[Any, Any, Any],
    authenticate: SkipValidation[Authenticate],
) -> Principal:
    """The authenticated caller; 401 without a valid access token."""
    token = _bearer_token(request)
    if token is None:
        raise InvalidToken("This endpoint needs an access token: 'Authorization: Bearer <token>'.")
    return _remember(request, await authenticate.execute(token))


async def provide_viewer(
    request: Request[Any, Any, Any],
    authenticate: SkipValidation[Authenticate],
) -> Principal | None:
    """The caller if a token was sent (401 if that token is invalid), else None (anonymous)."""
    token = _bearer_token(request)
    return None if token is None else _remember(request, await authenticate.execute(token))


def _remember(request: Request[Any, Any, Any], principal: Principal) -> Principal:
    """Note the caller on the request, for the access log."""
    request.scope.setdefault("state", {})["user_id"] = principal.user_id
    return principal
