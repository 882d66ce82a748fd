"""Bearer-token authentication, driven by each route's declared security.

A route says who may call it in ONE place, its `security` (what the OpenAPI document shows):
`SECURITY` (a valid access token is required), `MODERATOR_SECURITY` / `ADMIN_SECURITY` (a valid
token of an account whose role, read from the database with the session, is moderator or admin /
admin: 403 otherwise), `OPTIONAL_SECURITY` (anonymous, or with a token that must then be valid),
or nothing (the token is not looked at). `authenticate_as_declared` runs
before every handler and enforces that declaration; the `principal` and `viewer` dependencies only
hand over what it found. `check_route_security` stops the app from starting when a handler's
parameters and its declaration disagree (a `viewer` on a route that declares no security, a
`principal` on an optional one), so no route can take a token without checking it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from enum import Enum
from typing import Any

from litestar import Litestar, Request
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from application.auth.authenticate import Authenticate
from application.auth.results import Principal
from domain.errors import Forbidden, InvalidToken
from domain.moderation import Role

BEARER_AUTH = "BearerAuth"
SECURITY: list[dict[str, list[str]]] = [{BEARER_AUTH: []}]
OPTIONAL_SECURITY: list[dict[str, list[str]]] = [{}, *SECURITY]  # anonymous, or with a token
# A token of an account with a role: the role is the requirement's scope (in the document too),
# checked against the role read from the database with the session, on every request (403).
MODERATOR_SECURITY: list[dict[str, list[str]]] = [{BEARER_AUTH: [Role.MODERATOR.value]}]
ADMIN_SECURITY: list[dict[str, list[str]]] = [{BEARER_AUTH: [Role.ADMIN.value]}]

_PRINCIPAL = "clipstream.principal"  # where the hook leaves the caller in the request's state
_AUTH_OPT = "clipstream.authentication"  # a handler's requirement, worked out once
_ROLE_OPT = "clipstream.role"  # the role a handler's security names, worked out once


class Requirement(Enum):
    """What a route's security declaration asks of the caller."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


def requirement_of(handler: HTTPRouteHandler) -> Requirement:
    """The requirement a handler declares (remembered in its `opt`)."""
    found = handler.opt.get(_AUTH_OPT)
    if isinstance(found, Requirement):
        return found
    security = handler.resolve_security()
    if not any(BEARER_AUTH in entry for entry in security):
        found = Requirement.NONE
    elif {} in security:
        found = Requirement.OPTIONAL
    else:
        found = Requirement.REQUIRED
    handler.opt[_AUTH_OPT] = found
    return found


def role_of(handler: HTTPRouteHandler) -> Role:
    """The role a handler's security asks for (its scope; `user` when it names none)."""
    found = handler.opt.get(_ROLE_OPT)
    if isinstance(found, Role):
        return found
    scopes = {scope for entry in handler.resolve_security() for scope in entry.get(BEARER_AUTH, [])}
    found = (
        Role.ADMIN
        if Role.ADMIN.value in scopes
        else (Role.MODERATOR if Role.MODERATOR.value in scopes else Role.USER)
    )
    handler.opt[_ROLE_OPT] = found
    return found


def _check_role(needed: Role, principal: Principal) -> None:
    """Forbidden (403) unless the caller's role (from the database) grants `needed`."""
    if needed is Role.MODERATOR and not principal.role.moderates:
        raise Forbidden("Only moderators and admins may do this.")
    if needed is Role.ADMIN and principal.role is not Role.ADMIN:
        raise Forbidden("Only admins may do this.")


def _bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the access token as 'Authorization: Bearer <token>'.")
    return token.strip()


def authenticate_as_declared(
    authenticate: Callable[[], Authenticate],
) -> Callable[[Request[Any, Any, Any]], Awaitable[None]]:
    """The hook that authenticates every request as its route declares (401 on a bad token);
    `authenticate` gives the use case (resolved at the first request, once the app has started)."""

    async def hook(request: Request[Any, Any, Any]) -> None:
        requirement = requirement_of(request.route_handler)
        if requirement is Requirement.NONE:
            return
        token = _bearer_token(request)
        if token is None:
            if requirement is Requirement.REQUIRED:
                raise InvalidToken(
                    "This endpoint needs an access token: 'Authorization: Bearer <token>'."
                )
            return
        principal = await authenticate().execute(token)
        state = request.scope.setdefault("state", {})
        state[_PRINCIPAL] = principal
        state["user_id"] = principal.user_id  # for the access log
        _check_role(role_of(request.route_handler), principal)

    return hook


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller of a route that declares `SECURITY`."""
    principal = request.scope.get("state", {}).get(_PRINCIPAL)
    if not isinstance(principal, Principal):  # only when the declaration check was bypassed
        raise InvalidToken("This endpoint needs an access token: 'Authorization: Bearer <token>'.")
    return principal


def provide_viewer(request: Request[Any, Any, Any]) -> Principal | None:
    """The caller of a route that declares `OPTIONAL_SECURITY`, or None (anonymous)."""
    principal = request.scope.get("state", {}).get(_PRINCIPAL)
    return principal if isinstance(principal, Principal) else None


_NEEDS = {"principal": Requirement.REQUIRED, "viewer": Requirement.OPTIONAL}


def check_route_security(app: Litestar) -> None:
    """Every handler that takes the caller declares matching security.

    Raises:
        ImproperlyConfiguredException: naming the route, the parameter and its declaration.
    """
    for route, handler in _handlers(app):
        requirement = requirement_of(handler)
        dependencies = handler.resolve_dependencies()
        used = set(handler.parsed_fn_signature.parameters)
        for name in list(used):  # the dependencies it names may take the caller too
            if (provide := dependencies.get(name)) is not None:
                used |= set(provide.parsed_fn_signature.parameters)
        for name, needed in _NEEDS.items():
            if name in used and requirement is not needed:
                raise ImproperlyConfiguredException(
                    f"{route.path} {handler.handler_name}: takes {name!r}, so its security must be "
                    f"{'SECURITY' if needed is Requirement.REQUIRED else 'OPTIONAL_SECURITY'} "
                    f"(it declares {requirement.value})"
                )


def _handlers(app: Litestar) -> Iterator[tuple[HTTPRoute, HTTPRouteHandler]]:
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                yield route, handler
