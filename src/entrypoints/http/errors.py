"""Every error becomes an RFC 9457 problem-details response: the one table of status codes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import msgspec
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException

from application.errors import DependencyUnavailable
from application.ports.image_processor import ImageRejected, ImageTooLarge, ImageTypeUnsupported
from application.ports.object_storage import StorageError, UploadRejected, UploadTooLarge
from domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    EmailTaken,
    FieldError,
    Forbidden,
    NotFound,
    TooManyAttempts,
    UsernameTaken,
    ValidationFailed,
)
from domain.moderation import AccountSuspended, TooManyReports
from entrypoints.http.validation_messages import field_error, missing_parameter

logger = logging.getLogger("clipstream.errors")

PROBLEM_TYPE_BASE = "urn:clipstream:problem:"
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="clipstream"'}


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> ProblemDetailsException:
    """A problem-details exception: `type` names the problem (`about:blank` for plain HTTP ones)."""
    extra = dict(extra or {})
    if errors is not None:
        extra["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return ProblemDetailsException(
        status_code=status,
        title=HTTPStatus(status).phrase,
        detail=detail,
        type_=PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        headers=headers,
        extra=extra or None,
    )


# Domain and application errors, most specific first (looked up along the exception's MRO).
_DOMAIN_STATUS: dict[type[DomainError], tuple[int, str]] = {
    ValidationFailed: (422, "validation-failed"),
    UsernameTaken: (409, "username-taken"),
    EmailTaken: (409, "email-taken"),
    Conflict: (409, "conflict"),
    NotFound: (404, "not-found"),
    AuthenticationFailed: (401, "unauthenticated"),
    AccountSuspended: (403, "account-suspended"),
    Forbidden: (403, "forbidden"),
    TooManyReports: (429, "too-many-reports"),
    TooManyAttempts: (429, "too-many-attempts"),
    UploadTooLarge: (413, "upload-too-large"),
    ImageTooLarge: (413, "image-too-large"),
    ImageTypeUnsupported: (415, "unsupported-image-type"),
    ImageRejected: (422, "image-rejected"),
    UploadRejected: (422, "upload-rejected"),
    StorageError: (409, "storage-refused"),
    DependencyUnavailable: (503, "dependency-unavailable"),
}


def _from_domain(exc: DomainError) -> ProblemDetailsException:
    status, slug = next(
        (value for cls in type(exc).__mro__ if (value := _DOMAIN_STATUS.get(cls))),
        (500, "internal"),
    )
    headers: dict[str, str] | None = None
    errors: list[FieldError] | None = None
    if isinstance(exc, ValidationFailed):
        errors = exc.errors
    elif isinstance(exc, UsernameTaken):
        errors = [FieldError("username", str(exc))]
    elif isinstance(exc, EmailTaken):
        errors = [FieldError("email", str(exc))]
    elif isinstance(exc, AuthenticationFailed):
        headers = BEARER_CHALLENGE
    elif isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after_seconds)}
    elif isinstance(exc, DependencyUnavailable):
        headers = {"Retry-After": "5"}
    return problem(status, str(exc), slug=slug, errors=errors, headers=headers)


_PATH_RE = re.compile(r"at `\$\.?([^`]*)`")


def _from_validation(exc: ValidationException) -> ProblemDetailsException:
    """400 for parameters, 422 for the body; either way `errors` names each field and its rule."""
    raw = exc.extra if isinstance(exc.extra, list) else []
    errors = [field_error(str(e.get("key") or ""), str(e.get("message", ""))) for e in raw]
    if not errors and (missing := missing_parameter(str(exc.detail))) is not None:
        errors = [missing]
    if any(e.get("source") == "body" for e in raw):
        return problem(422, _summary(errors), slug="validation-failed", errors=errors)
    if not errors:  # nothing says which: the request as a whole, with Litestar's own words
        errors = [FieldError("request", str(exc.detail) or "is malformed")]
    return problem(400, _summary(errors), slug="bad-parameter", errors=errors)


def _summary(errors: list[FieldError]) -> str:
    return "; ".join(f"{e.field}: {e.message}" for e in errors) or "The request is invalid."


def _from_rate_limit(exc: TooManyRequestsException) -> ProblemDetailsException:
    headers = dict(exc.headers or {})
    headers["Retry-After"] = headers.get("RateLimit-Reset", "60")
    return problem(429, "Too many requests; slow down.", slug="rate-limited", headers=headers)


def _misreported_body_error(exc: HTTPException) -> ProblemDetailsException | None:
    """The 422 of an invalid body field that Litestar reports as a 500.

    Litestar's signature model drops `data.` from a body error's key and then takes a key that is
    also a dependency's name for an error of that dependency, that is, a server error: an empty
    `login` in POST /auth/login (the `login` use case is a dependency) answered 500. The validation
    error it wraps still says where the body broke.
    """
    cause = exc.__cause__
    if exc.status_code != 500 or not isinstance(cause, msgspec.ValidationError):
        return None
    message = str(cause)
    match = _PATH_RE.search(message)
    path = match.group(1) if match else ""
    if path != "data" and not path.startswith("data."):
        return None
    field = path.removeprefix("data").lstrip(".")
    error = field_error("data", f"{message.split(' - ', 1)[0]} - at `$.{field}`")
    return problem(422, _summary([error]), slug="validation-failed", errors=[error])


def _from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ProblemDetailsException):
        return exc
    if (body_error := _misreported_body_error(exc)) is not None:
        return body_error
    headers = dict(exc.headers or {})
    if isinstance(exc, NotAuthorizedException):
        headers.update(BEARER_CHALLENGE)
    status = exc.status_code
    detail = exc.detail if exc.detail and exc.detail != HTTPStatus(status).phrase else ""
    errors: list[FieldError] | None = None
    if status == 400:  # an undecodable body: msgspec's decode message says where the JSON broke
        reason = detail.removeprefix("Malformed request: ") or "is not valid JSON"
        detail = f"Malformed request: {reason}"
        errors = [FieldError("body", reason)]
    detail = detail or HTTPStatus(status).description
    return problem(status, detail, errors=errors, headers=headers or None)


def _from_unexpected(exc: Exception) -> ProblemDetailsException:
    logger.exception("Unhandled error", exc_info=exc)
    return problem(500, "Something went wrong on our side. It has been logged.")


def problem_details_config() -> ProblemDetailsConfig:
    """The Litestar problem-details plugin configuration for every error the service can raise."""
    mapping: dict[type[Exception], Callable[[Any], ProblemDetailsException]] = {
        DomainError: _from_domain,
        ValidationException: _from_validation,
        TooManyRequestsException: _from_rate_limit,
        HTTPException: _from_http,
        Exception: _from_unexpected,
    }
    return ProblemDetailsConfig(exception_to_problem_detail_map=mapping)
