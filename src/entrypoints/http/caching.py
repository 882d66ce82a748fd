"""Responses that carry credentials or the account's private data are never stored by a cache."""

from __future__ import annotations

import typing

from litestar import Litestar, Response
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import ImproperlyConfiguredException
from litestar.routes import HTTPRoute

from entrypoints.http.schemas.auth import TokensOut
from entrypoints.http.schemas.users import MeOut

NO_STORE = CacheControlHeader(no_store=True)
PRIVATE_BODIES: tuple[type, ...] = (TokensOut, MeOut)


def _body_type(annotation: object) -> object:
    if typing.get_origin(annotation) is Response:
        (inner,) = typing.get_args(annotation) or (None,)
        return inner
    return annotation


def check_private_responses(app: Litestar) -> None:
    """Every handler that answers tokens or `Me` declares `cache_control=NO_STORE`.

    Raises:
        ImproperlyConfiguredException: naming the route that does not.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            body = _body_type(handler.parsed_fn_signature.return_type.annotation)
            if not (isinstance(body, type) and issubclass(body, PRIVATE_BODIES)):
                continue
            declared = handler.cache_control
            if declared is None or not declared.no_store:
                raise ImproperlyConfiguredException(
                    f"{route.path} {handler.handler_name} answers {body.__name__}: it must be "
                    "`cache_control=NO_STORE` (Cache-Control: no-store)"
                )
