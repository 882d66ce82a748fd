"""The problem-details shape, for the OpenAPI document, and per-route error response specs."""

from __future__ import annotations

import inspect
from http import HTTPStatus

import msgspec
from litestar.openapi.datastructures import ResponseSpec


class FieldErrorOut(msgspec.Struct):
    """One invalid field."""

    field: str
    message: str


class ProblemOut(msgspec.Struct):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldErrorOut] | msgspec.UnsetType = msgspec.UNSET


_ALWAYS = (400, 429, 503)  # malformed parameters or JSON, rate limited, a dependency is down
_JSON_BODY = (413, 415, 422)  # body too large, not JSON, invalid


def problems(*statuses: int, json_body: bool = False) -> dict[int, ResponseSpec]:
    """Error responses a route documents: the given ones plus those every route can give.

    `json_body`: the route reads a JSON body, so it can also answer 413, 415 and 422. A POST, PUT,
    PATCH or DELETE route that reads none still answers 415 to a body that is not JSON: list it.
    """
    return {
        status: ResponseSpec(
            data_container=ProblemOut,
            description=HTTPStatus(status).phrase,
            media_type="application/problem+json",
        )
        for status in sorted({*statuses, *_ALWAYS, *(_JSON_BODY if json_body else ())})
    }


def described_by(use_case: type) -> str:
    """A use case's docstring (its business rules), as an OpenAPI description."""
    return inspect.cleandoc(use_case.__doc__ or "")
