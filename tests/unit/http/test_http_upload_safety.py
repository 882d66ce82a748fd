"""Uploads through this API's signed URLs cannot outstay their welcome: a body that stops
arriving is cut off, and nothing of it is kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from entrypoints.composition import Container
from entrypoints.http.app import create_app

API = "/api/v1"
PASSWORD = "correct horse battery"


def mp4(size: int) -> bytes:
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return (head + bytes(size))[:size]


async def _signed_up(http: httpx.AsyncClient, name: str = "ana") -> dict[str, str]:
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    tokens = (await http.post(f"{API}/auth/register", json=body)).json()
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


async def _created(http: httpx.AsyncClient, auth: dict[str, str], size: int) -> dict[str, Any]:
    response = await http.post(
        f"{API}/videos", json={"contentType": "video/mp4", "sizeBytes": size}, headers=auth
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _client(container: Container) -> httpx.AsyncClient:
    # httpx's own ASGI transport streams a request body as it is produced (Litestar's test client
    # reads it whole first), so a stalled body stalls.
    # httpx types the ASGI callable with plain mappings, Litestar with its own scope types.
    app: Any = create_app(container)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local", timeout=30)


async def test_an_upload_body_that_stops_arriving_is_cut_off_and_nothing_is_kept(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(
        public_url="http://testserver.local", upload_idle_timeout_seconds=0.2
    )
    never = asyncio.Event()
    data = mp4(1000)

    async def stalling() -> AsyncIterator[bytes]:
        yield data[:500]
        await never.wait()  # the client stops sending
        yield data[500:]

    async with _client(container) as http:
        auth = await _signed_up(http)
        created = await _created(http, auth, len(data))
        upload = urlsplit(created["upload"]["url"]).path
        stalled = await http.put(upload, content=stalling())
        assert stalled.status_code == 408, stalled.text
        assert stalled.headers["content-type"] == "application/problem+json"
        video_id = created["video"]["id"]
        completed = await http.post(f"{API}/videos/{video_id}/complete", headers=auth)
        assert completed.json()["status"] == "failed"
        assert completed.json()["failureReason"] == "No file was uploaded."
