"""The video lifecycle over HTTP, on the in-memory adapters (storage included)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from application.jobs import catalog
from entrypoints.composition import Container, jobs
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.support.processing import process_videos

API = "/api/v1"
PASSWORD = "correct horse battery"
MIB = 1024 * 1024
Client = AsyncTestClient[Litestar]


def mp4(size: int) -> bytes:
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    body = bytes(i % 251 for i in range(max(0, size - len(head))))
    return (head + body)[:size]


def webm(size: int) -> bytes:
    head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"
    return (head + b"\x00" * size)[:size]


@pytest.fixture
def video_container(make_container: Callable[..., Container]) -> Container:
    return make_container(public_url="http://testserver.local", multipart_threshold_bytes=6 * MIB)


@pytest.fixture
async def api(video_container: Container) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(video_container)) as test_client:
        test_client.container = video_container  # type: ignore[attr-defined]  # see `processed`
        yield test_client


async def signup(client: Client, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    response = await client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def create(
    client: Client, auth: dict[str, str], data: bytes, **fields: Any
) -> dict[str, Any]:
    body = {"contentType": "video/mp4", "sizeBytes": len(data), **fields}
    response = await client.post(f"{API}/videos", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def upload(
    client: Client, created: dict[str, Any], data: bytes
) -> list[dict[str, Any]] | None:
    target = created["upload"]
    if target["partSize"] is None:
        response = await client.put(path_of(target["url"]), content=data, headers=target["headers"])
        assert response.status_code == 200, response.text
        assert response.headers["etag"]
        return None
    parts = []
    size = target["partSize"]
    for part in target["parts"]:
        chunk = data[(part["partNumber"] - 1) * size : part["partNumber"] * size]
        response = await client.put(path_of(part["url"]), content=chunk)
        assert response.status_code == 200, response.text
        parts.append({"partNumber": part["partNumber"], "etag": response.headers["etag"]})
    return parts


async def complete(client: Client, auth: dict[str, str], video_id: str, parts: Any = None) -> Any:
    body = {"parts": parts} if parts is not None else {}
    return await client.post(f"{API}/videos/{video_id}/complete", json=body, headers=auth)


async def processed(client: Client, auth: dict[str, str], video_id: str) -> dict[str, Any]:
    """The video once the background jobs (its processing) have run."""
    await process_videos(client.container)  # type: ignore[attr-defined]
    response = await client.get(f"{API}/videos/{video_id}", headers=auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def publish(
    client: Client, auth: dict[str, str], data: bytes, **fields: Any
) -> dict[str, Any]:
    created = await create(client, auth, data, **fields)
    parts = await upload(client, created, data)
    response = await complete(client, auth, created["video"]["id"], parts)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "processing"
    video = await processed(client, auth, created["video"]["id"])
    assert video["status"] == "ready"
    return video


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()  # type: ignore[no-any-return]


async def test_single_upload_round_trip_and_range_reads(api: Client) -> None:
    auth = await signup(api, "ana")
    data = mp4(300_000)
    created = await create(api, auth, data, caption="First! #Dance #fun #dance")
    video = created["video"]
    assert video["status"] == "uploading"
    assert video["hashtags"] == ["dance", "fun"]
    assert video["streamUrl"] is None
    assert video["publishedAt"] is None
    assert created["upload"]["method"] == "PUT"
    assert created["upload"]["partSize"] is None

    await upload(api, created, data)
    done = await complete(api, auth, video["id"])
    assert done.status_code == 200
    assert done.json()["status"] == "processing"
    ready = await processed(api, auth, video["id"])
    assert ready["status"] == "ready"
    assert ready["failureReason"] is None
    assert ready["streamUrl"].endswith(f"/api/v1/videos/{video['id']}/stream")
    assert ready["publishedAt"] is not None

    stream = await api.get(path_of(ready["streamUrl"]))
    assert stream.status_code == 200
    assert stream.content == data
    assert stream.headers["content-type"] == "video/mp4"
    assert stream.headers["accept-ranges"] == "bytes"
    assert stream.headers["x-content-type-options"] == "nosniff"
    etag = stream.headers["etag"]

    for header, expected, content_range in [
        ("bytes=0-0", data[:1], f"bytes 0-0/{len(data)}"),
        ("bytes=100-199", data[100:200], f"bytes 100-199/{len(data)}"),
        ("bytes=299990-", data[299990:], f"bytes 299990-299999/{len(data)}"),
        ("bytes=-10", data[-10:], f"bytes 299990-299999/{len(data)}"),
        ("bytes=299000-999999", data[299000:], f"bytes 299000-299999/{len(data)}"),
    ]:
        partial = await api.get(path_of(ready["streamUrl"]), headers={"Range": header})
        assert partial.status_code == 206, header
        assert partial.content == expected, header
        assert partial.headers["content-range"] == content_range
    past_end = await api.get(path_of(ready["streamUrl"]), headers={"Range": "bytes=400000-"})
    problem_of(past_end, 416)
    assert past_end.headers["content-range"] == f"bytes */{len(data)}"
    cached = await api.get(path_of(ready["streamUrl"]), headers={"If-None-Match": etag})
    assert cached.status_code == 304


async def test_multipart_upload_round_trip(api: Client) -> None:
    auth = await signup(api, "ana")
    data = webm(13 * MIB + 123)
    created = await create(api, auth, data, contentType="video/webm")
    target = created["upload"]
    assert target["url"] is None
    assert target["partSize"] == 6 * MIB
    assert [p["partNumber"] for p in target["parts"]] == [1, 2, 3]
    parts = await upload(api, created, data)
    missing = await complete(api, auth, created["video"]["id"])
    problem_of(missing, 422)  # a multipart upload needs its parts
    done = await complete(api, auth, created["video"]["id"], parts)
    assert done.json()["status"] == "processing"
    assert (await processed(api, auth, created["video"]["id"]))["status"] == "ready"
    stream = await api.get(f"{API}/videos/{created['video']['id']}/stream")
    assert stream.content == data


async def test_wrong_part_etag_fails_the_video(api: Client, video_container: Container) -> None:
    auth = await signup(api, "ana")
    data = webm(7 * MIB)
    created = await create(api, auth, data, contentType="video/webm")
    parts = await upload(api, created, data)
    assert parts is not None
    parts[0]["etag"] = '"0000"'
    failed = (await complete(api, auth, created["video"]["id"], parts)).json()
    assert failed["status"] == "failed"
    assert "parts" in failed["failureReason"]


@pytest.mark.parametrize(
    ("declared", "sent", "reason"),
    [
        (mp4(5000), mp4(4000), "bytes"),
        (b"x" * 5000, b"x" * 5000, "not a video/mp4"),
    ],
)
async def test_a_wrong_file_fails_and_is_deleted(
    api: Client, video_container: Container, declared: bytes, sent: bytes, reason: str
) -> None:
    auth = await signup(api, "ana")
    created = await create(api, auth, declared)
    await upload(api, {"upload": created["upload"]}, sent)
    failed = (await complete(api, auth, created["video"]["id"])).json()
    assert failed["status"] == "failed"
    assert reason in failed["failureReason"]
    storage = video_container.adapters.storage()
    assert await storage.stat(f"videos/{created['video']['id']}/source") is None
    again = await complete(api, auth, created["video"]["id"])
    problem_of(again, 409)


async def test_completing_without_uploading_fails_the_video(api: Client) -> None:
    auth = await signup(api, "ana")
    created = await create(api, auth, mp4(1000))
    failed = (await complete(api, auth, created["video"]["id"])).json()
    assert failed["status"] == "failed"
    assert failed["failureReason"] == "No file was uploaded."


async def test_upload_urls_are_signed_bounded_and_expire(
    api: Client, video_container: Container, clock: ManualClock
) -> None:
    auth = await signup(api, "ana")
    data = mp4(2000)
    created = await create(api, auth, data)
    url = path_of(created["upload"]["url"])
    too_big = await api.put(url, content=data + b"extra")
    problem_of(too_big, 413)
    storage = video_container.adapters.storage()
    assert await storage.stat(f"videos/{created['video']['id']}/source") is None
    token = url.rsplit("/", 1)[1]
    tampered = url[: -len(token)] + token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    problem_of(await api.put(tampered, content=data), 403)
    clock.advance(timedelta(hours=2))
    problem_of(await api.put(url, content=data), 403)


async def test_create_validation(api: Client, make_container: Callable[..., Container]) -> None:
    auth = await signup(api, "ana")
    url = f"{API}/videos"
    cases = [
        ({"contentType": "video/avi", "sizeBytes": 10}, "contentType"),
        ({"contentType": "video/mp4", "sizeBytes": 0}, "sizeBytes"),
        ({"contentType": "video/mp4", "sizeBytes": 3 * 1024**3}, "sizeBytes"),
        ({"contentType": "video/mp4", "sizeBytes": 10, "caption": "c" * 2201}, "caption"),
        ({"contentType": "video/mp4", "sizeBytes": 10, "visibility": "friends"}, "visibility"),
        ({"contentType": "video/mp4", "sizeBytes": 10, "title": "x"}, "body"),
    ]
    for body, field in cases:
        problem = problem_of(await api.post(url, json=body, headers=auth), 422)
        assert any(field in e["field"] or field in e["message"] for e in problem["errors"]), problem
    problem_of(await api.post(url, json={"contentType": "video/mp4", "sizeBytes": 10}), 401)


async def test_visibility_rules(api: Client) -> None:
    ana = await signup(api, "ana")
    bob = await signup(api, "bob")
    public = await publish(api, ana, mp4(1000), caption="public #x")
    unlisted = await publish(api, ana, mp4(1000), visibility="unlisted")
    private = await publish(api, ana, mp4(1000), visibility="private")
    pending = (await create(api, ana, mp4(1000)))["video"]

    for viewer in ({}, bob):
        assert (await api.get(f"{API}/videos/{public['id']}", headers=viewer)).status_code == 200
        assert (await api.get(f"{API}/videos/{unlisted['id']}", headers=viewer)).status_code == 200
        for hidden in (private, pending):
            problem_of(await api.get(f"{API}/videos/{hidden['id']}", headers=viewer), 404)
            problem_of(await api.get(f"{API}/videos/{hidden['id']}/stream", headers=viewer), 404)
        listed = (
            await api.get(f"{API}/users/{public['author']['id']}/videos", headers=viewer)
        ).json()
        assert [v["id"] for v in listed["items"]] == [public["id"]]
    assert (await api.get(f"{API}/videos/{private['id']}/stream", headers=ana)).status_code == 200
    problem_of(await api.get(f"{API}/videos/{pending['id']}/stream", headers=ana), 404)
    own = (await api.get(f"{API}/users/{public['author']['id']}/videos", headers=ana)).json()
    assert [v["id"] for v in own["items"]] == [
        pending["id"],
        private["id"],
        unlisted["id"],
        public["id"],
    ]
    everyone = (await api.get(f"{API}/videos")).json()
    assert [v["id"] for v in everyone["items"]] == [public["id"]]
    me = (await api.get(f"{API}/users/me", headers=ana)).json()
    assert me["videoCount"] == 1  # published (ready and public) videos


async def test_only_the_owner_edits_deletes_or_completes(
    api: Client, video_container: Container
) -> None:
    ana = await signup(api, "ana")
    bob = await signup(api, "bob")
    video = await publish(api, ana, mp4(1000), caption="hello")
    url = f"{API}/videos/{video['id']}"
    problem_of(await api.patch(url, json={"caption": "mine now"}, headers=bob), 403)
    problem_of(await api.delete(url, headers=bob), 403)
    problem_of(await complete(api, bob, video["id"]), 403)
    pending = (await create(api, ana, mp4(1000)))["video"]
    problem_of(await complete(api, bob, pending["id"]), 404)

    edited = await api.patch(
        url, json={"caption": "New #Tag", "visibility": "private"}, headers=ana
    )
    assert edited.status_code == 200
    assert (edited.json()["caption"], edited.json()["hashtags"]) == ("New #Tag", ["tag"])
    assert (await api.get(f"{API}/users/me", headers=ana)).json()["videoCount"] == 0
    problem_of(await api.get(url), 404)

    assert (await api.delete(url, headers=ana)).status_code == 204
    problem_of(await api.get(url, headers=ana), 404)
    storage = video_container.adapters.storage()
    assert await storage.stat(f"videos/{video['id']}/source") is None


async def test_search_by_hashtag_and_words_with_paging(api: Client) -> None:
    ana = await signup(api, "ana")
    ids = []
    for i in range(7):
        caption = f"clip {i} #Cats" + (" funny dog" if i % 2 else "")
        ids.append((await publish(api, ana, mp4(500), caption=caption))["id"])
    newest_first = list(reversed(ids))
    for limit in (1, 2, 7):
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"hashtag": "#CATS", "limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = (await api.get(f"{API}/videos", params=params)).json()
            seen += [v["id"] for v in page["items"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == newest_first
    dogs = (await api.get(f"{API}/videos", params={"q": "Dog FUNNY"})).json()
    assert [v["id"] for v in dogs["items"]] == [ids[5], ids[3], ids[1]]
    assert (await api.get(f"{API}/videos", params={"q": "cat"})).json()["items"] == []
    problem_of(await api.get(f"{API}/videos", params={"hashtag": "two words"}), 422)


async def test_idempotency_key_replays_the_first_response(api: Client) -> None:
    ana = await signup(api, "ana")
    headers = {**ana, "Idempotency-Key": "create-1"}
    body = {"contentType": "video/mp4", "sizeBytes": 1000, "caption": "once"}
    first = await api.post(f"{API}/videos", json=body, headers=headers)
    second = await api.post(f"{API}/videos", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    own = (
        await api.get(f"{API}/users/{first.json()['video']['author']['id']}/videos", headers=ana)
    ).json()
    assert len(own["items"]) == 1
    changed = await api.post(f"{API}/videos", json={**body, "caption": "twice"}, headers=headers)
    problem_of(changed, 422)
    bob = await signup(api, "bob")  # keys are per user
    other = await api.post(
        f"{API}/videos", json=body, headers={**bob, "Idempotency-Key": "create-1"}
    )
    assert other.json()["video"]["id"] != first.json()["video"]["id"]


async def test_abandoned_uploads_expire_and_their_bytes_go(
    api: Client, video_container: Container, clock: ManualClock
) -> None:
    ana = await signup(api, "ana")
    await jobs.in_process_runner(video_container).run_until_idle()  # the verification email
    data = webm(7 * MIB)
    created = await create(api, ana, data, contentType="video/webm")
    await upload(api, created, data)  # parts uploaded, never completed
    clock.advance(timedelta(hours=24, seconds=1))
    sweeps = len(catalog.periodic_tasks())
    assert await jobs.in_process_runner(video_container).run_until_idle() == sweeps  # each once
    login = await api.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    ana = {"Authorization": f"Bearer {login.json()['accessToken']}"}  # the old token expired too
    video = (await api.get(f"{API}/videos/{created['video']['id']}", headers=ana)).json()
    assert video["status"] == "failed"
    assert "not completed" in video["failureReason"]
    storage = video_container.adapters.storage()
    assert await storage.stat(f"videos/{created['video']['id']}/source") is None
    problem_of(await complete(api, ana, created["video"]["id"], []), 409)


async def test_deleting_the_account_deletes_its_files(
    api: Client, video_container: Container
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, ana, mp4(1000))
    response = await api.request(
        "DELETE", f"{API}/users/me", json={"password": PASSWORD}, headers=ana
    )
    assert response.status_code == 204
    storage = video_container.adapters.storage()
    assert await storage.stat(f"videos/{video['id']}/source") is None
    problem_of(await api.get(f"{API}/videos/{video['id']}"), 404)
