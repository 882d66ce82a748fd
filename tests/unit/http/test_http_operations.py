"""Request ids, access logs, security headers, CORS and metrics."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from entrypoints.logs import redact_secrets as _redact_secrets
from tests.unit.conftest import METRICS_AUTH

API = "/api/v1"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]


def access_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "request"]


async def test_request_ids_are_echoed_or_generated(client: Client) -> None:
    given = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    unsafe = await client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


async def test_one_json_access_line_per_request_without_credentials(
    client: Client, capfd: pytest.CaptureFixture[str]
) -> None:
    body = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
    tokens = (await client.post(f"{API}/auth/register", json=body)).json()
    capfd.readouterr()
    me = await client.get(
        f"{API}/users/me",
        headers={"Authorization": f"Bearer {tokens['accessToken']}", "X-Request-ID": "req-1"},
    )
    assert me.status_code == 200
    output = capfd.readouterr().out
    [line] = access_lines(output)
    assert line["request_id"] == "req-1"
    assert line["route"] == "/api/v1/users/me"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["user_id"] == tokens["user"]["id"]
    assert line["duration_ms"] >= 0
    assert "timestamp" in line
    assert line["level"] == "info"
    assert tokens["accessToken"] not in output
    assert PASSWORD not in output


async def test_failures_are_logged_with_their_status(
    client: Client, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    await client.post(f"{API}/auth/login", json={"login": "nobody", "password": PASSWORD})
    [line] = access_lines(capfd.readouterr().out)
    assert (line["status"], line["route"], line["user_id"]) == (401, "/api/v1/auth/login", None)
    assert PASSWORD not in json.dumps(line)


def test_credential_fields_are_redacted() -> None:
    event = {
        "event": "x",
        "password": "p",
        "refresh_token": "t",
        "Authorization": "a",
        "user_id": "u",
    }
    redacted = _redact_secrets(None, "info", event)
    assert (
        redacted["password"]
        == redacted["refresh_token"]
        == redacted["Authorization"]
        == "[redacted]"
    )
    assert redacted["user_id"] == "u"


async def test_security_headers_on_every_response(client: Client) -> None:
    for response in (
        await client.get("/health/live"),
        await client.get(f"{API}/users/me"),  # an error
        await client.get(f"{API}/nowhere"),  # not even a route
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
    docs = await client.get("/schema")
    assert "script-src 'self'" in docs.headers["content-security-policy"]


async def test_cors_is_off_by_default_and_configurable(
    client: Client, make_container: Callable[..., Container]
) -> None:
    preflight = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}
    closed = await client.options(f"{API}/auth/login", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    app = create_app(make_container(cors_origins=("https://app.example.com",)))
    async with AsyncTestClient(app=app) as open_client:
        allowed = await open_client.options(
            f"{API}/auth/login",
            headers={
                **preflight,
                "Access-Control-Request-Headers": "authorization,idempotency-key",
            },
        )
        assert allowed.status_code in (200, 204)
        assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
        simple = await open_client.get(
            "/health/live", headers={"Origin": "https://app.example.com"}
        )
        assert "etag" in simple.headers["access-control-expose-headers"].lower()
        other = await open_client.get(
            "/health/live", headers={"Origin": "https://evil.example.com"}
        )
        assert other.headers.get("access-control-allow-origin") != "https://evil.example.com"


async def test_metrics_count_requests_by_route_and_status(client: Client) -> None:
    await client.get(f"{API}/users/by-username/nobody")
    metrics = (await client.get("/metrics", headers=METRICS_AUTH)).text
    assert 'path="/api/v1/users/by-username/{username}"' in metrics
    assert 'status_code="404"' in metrics
    assert "clipstream_request_duration_seconds_bucket" in metrics
    assert "clipstream_uploads_total" in metrics


async def test_metrics_show_the_job_queue_and_the_durations_of_jobs_run_here(
    client: Client, container: Container
) -> None:
    from application.jobs.catalog import EXPIRE_UPLOADS, FORGET_IDEMPOTENCY_KEYS
    from entrypoints.composition import jobs

    async with container.adapters.unit_of_work()() as uow:
        await uow.tasks.defer(EXPIRE_UPLOADS)
        await uow.tasks.defer(FORGET_IDEMPOTENCY_KEYS, delay=timedelta(hours=1))
        await uow.commit()

    metrics = (await client.get("/metrics", headers=METRICS_AUTH)).text

    labels = 'queue="default",state="{}",task="maintenance.{}"'
    assert f"clipstream_jobs{{{labels.format('waiting', 'expire_uploads')}}} 1.0" in metrics
    scheduled = labels.format("scheduled", "forget_idempotency_keys")
    assert f"clipstream_jobs{{{scheduled}}} 1.0" in metrics
    assert "clipstream_job_oldest_waiting_seconds{" in metrics

    await jobs.in_process_runner(container).run_until_idle()
    metrics = (await client.get("/metrics", headers=METRICS_AUTH)).text
    assert (
        'clipstream_job_duration_seconds_count{outcome="succeeded",queue="default",'
        'task="maintenance.expire_uploads"}' in metrics
    )


async def test_a_slow_job_queue_query_leaves_its_series_out_instead_of_stalling_the_scrape(
    make_container: Callable[..., Container],
) -> None:
    import asyncio
    import time

    from dependency_injector import providers

    class Stuck:
        async def counts(self) -> list[object]:
            await asyncio.Event().wait()
            return []

    container = make_container()
    container.adapters.override_providers(job_statistics=providers.Object(Stuck()))
    async with AsyncTestClient(app=create_app(container)) as client:
        started = time.monotonic()
        response = await client.get("/metrics", headers=METRICS_AUTH)
    assert response.status_code == 200
    assert time.monotonic() - started < 3
    assert "clipstream_jobs{" not in response.text
    assert "clipstream_request_duration_seconds" in response.text
