"""Property-based fuzzing of the whole HTTP API against its own OpenAPI document (Schemathesis).

Schemathesis loads `/schema/openapi.json` from the app, generates valid and invalid requests for
every operation and runs every default check on each response: no 5xx, only documented status
codes, content types and headers, bodies that match the response schemas, invalid requests
rejected, valid ones accepted, 401 where a token is required but missing...

The app runs in-process on the in-memory adapters, without a rate limit. Every generated case gets a
brand-new account (registered through the API) and its access token, so operations that revoke
tokens (log out everywhere, change the password, delete the account) are fuzzed too without
spoiling other cases. The one thing a schema cannot describe, which cursors the server issued, is
left out of the schema-valid cases (see `before_call`).

The run is bounded and reproducible: a fixed seed (`derandomize`) and `MAX_EXAMPLES` examples per
operation take about 30 s of CPU.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from schemathesis import Case
from schemathesis.auths import AuthContext
from schemathesis.checks import CheckFunction, positive_data_acceptance
from schemathesis.core.result import Ok
from schemathesis.hooks import HookContext

from entrypoints.composition import build_container
from entrypoints.config import Settings
from entrypoints.http.app import create_app

SCHEMA_PATH = "/schema/openapi.json"
MAX_EXAMPLES = 25
PASSWORD = "correct horse battery staple"
_accounts = itertools.count(1)


def _app(**overrides: Any) -> Litestar:
    settings_ = Settings(
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
        jwt_secret=b"schemathesis-secret-that-is-at-least-32-bytes",
        **overrides,
    )
    return create_app(build_container(settings_, storage="memory"))


schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, _app())


@schema.auth(refresh_interval=None)  # no caching: a fresh account for every case
class FreshAccount:
    """Registers a new account through the API and authenticates the case with its token."""

    def get(self, case: Case[Any], ctx: AuthContext) -> str:
        number = next(_accounts)
        register = case.operation.schema["/api/v1/auth/register"]["POST"]
        # Schemathesis calls this while pytest collects the tests, when nothing captures output:
        # the app's request log goes to a buffer, shown only if the registration fails.
        log = io.BytesIO()
        out = io.TextIOWrapper(log, write_through=True)  # closes `log` when collected
        with contextlib.redirect_stdout(out):
            response = register.Case(
                body={
                    "username": f"fuzz_{number}",
                    "email": f"fuzz{number}@example.com",
                    "password": PASSWORD,
                },
                media_type="application/json",
            ).call()
        assert response.status_code == 201, f"{response.text}\n{log.getvalue().decode()}"
        token: str = response.json()["accessToken"]
        return token

    def set(self, case: Case[Any], data: str, ctx: AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


def _picture(media_type: str) -> bytes:
    buffer = io.BytesIO()
    image_format = {"image/png": "PNG", "image/webp": "WEBP"}.get(media_type, "JPEG")
    Image.new("RGB", (40, 30), (90, 160, 220)).save(buffer, image_format)
    return buffer.getvalue()


# No schema tells a picture from other bytes (which are rightly 422): avatar uploads are pictures.
for _media_type in ("image/jpeg", "image/png", "image/webp"):
    schemathesis.openapi.media_type(_media_type, st.just(_picture(_media_type)))


@schemathesis.hook
def before_call(ctx: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Schema-valid requests carry no made-up `cursor`: only cursors the server issued are valid.

    A cursor is an opaque, signed token (like an access token): no schema can tell a genuine one
    from a forged one, and a forged one is rightly 400 (tests/unit cover that). Negative cases still
    send broken cursors; positive ones list from the first page.
    """
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and "cursor" in (case.query or {}):
        case.query = {name: value for name, value in case.query.items() if name != "cursor"}


# The token of an email link is as opaque as a cursor: no schema tells one the server emailed from
# a made-up one, which is rightly 422 ("unknown, spent or expired"). Every other check still runs
# on these operations; their flows are tested with real emailed tokens (test_account_email.py).
_EMAILED_TOKEN_OPERATIONS = {
    ("POST", "/api/v1/auth/email/verify"),
    ("POST", "/api/v1/auth/password/reset"),
}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case: Case[Any]) -> None:
    excluded: list[CheckFunction] = []
    if (case.method.upper(), case.path) in _EMAILED_TOKEN_OPERATIONS:
        excluded.append(positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)


def test_the_fuzzed_set_covers_the_api() -> None:
    """Guards against the fuzzing above silently shrinking (a route dropped from the schema)."""
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    assert "POST /api/v1/auth/register" in labels
    assert "DELETE /api/v1/users/me" in labels
    assert "GET /api/v1/feed" in labels
    assert len(labels) >= 40


def test_the_document_states_the_configured_upload_limit() -> None:
    """`sizeBytes` is valid up to the setting in force, so the document's `maximum` follows it."""
    with TestClient(_app(max_upload_bytes=12345)) as client:
        document = client.get(SCHEMA_PATH).json()
    size = document["components"]["schemas"]["CreateVideoIn"]["properties"]["sizeBytes"]
    assert (size["minimum"], size["maximum"]) == (1, 12345)
