"""Processing, playback and avatars over HTTP, on the in-memory adapters.

Videos are processed by the job queue's in-process runner with a fake `MediaProcessor` (real
processing is covered by the PyAV contract suite and the real-server tests); avatars go through
the real Pillow processor in its child process.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import m3u8
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from application.jobs.catalog import PROCESS_VIDEO
from domain.media import AVATAR_SIZES
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.support.fake_media import FakeMediaProcessor, jpeg
from tests.support.processing import process_videos

API = "/api/v1"
BASE = "http://testserver.local"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 40


@pytest.fixture
def fake() -> FakeMediaProcessor:
    return FakeMediaProcessor()


@pytest.fixture
def media_container(
    make_container: Callable[..., Container], fake: FakeMediaProcessor
) -> Container:
    container = make_container(public_url=BASE)
    container.core.media.override(providers.Object(fake))
    return container


@pytest.fixture
async def api(media_container: Container) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(media_container), base_url=BASE) as client:
        yield client


async def signup(client: Client, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    response = await client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


def path_of(url: str) -> str:
    return url.removeprefix(BASE)


async def run_jobs(container: Container) -> int:
    return await process_videos(container)


async def upload_and_complete(
    client: Client, auth: dict[str, str], data: bytes = MP4, **fields: Any
) -> dict[str, Any]:
    body = {"contentType": "video/mp4", "sizeBytes": len(data), **fields}
    created = (await client.post(f"{API}/videos", json=body, headers=auth)).json()
    put = await client.put(path_of(created["upload"]["url"]), content=data)
    assert put.status_code == 200, put.text
    completed = await client.post(
        f"{API}/videos/{created['video']['id']}/complete", json={}, headers=auth
    )
    assert completed.status_code == 200, completed.text
    return completed.json()  # type: ignore[no-any-return]


async def publish(
    client: Client, container: Container, auth: dict[str, str], **fields: Any
) -> dict[str, Any]:
    video = await upload_and_complete(client, auth, **fields)
    await run_jobs(container)
    ready = (await client.get(f"{API}/videos/{video['id']}", headers=auth)).json()
    assert ready["status"] == "ready", ready
    return ready  # type: ignore[no-any-return]


def stored_keys(container: Container, prefix: str) -> list[str]:
    objects: dict[str, bytes] = container.adapters.storage()._objects  # type: ignore[attr-defined]
    return sorted(key for key in objects if key.startswith(prefix))


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()  # type: ignore[no-any-return]


# Processing ---------------------------------------------------------------------------------------


async def test_complete_hands_the_video_to_processing_which_makes_it_ready(
    api: Client, media_container: Container, fake: FakeMediaProcessor
) -> None:
    ana = await signup(api, "ana")
    completed = await upload_and_complete(api, ana, caption="first #clip")
    assert completed["status"] == "processing"
    for field in ("streamUrl", "posterUrl", "hlsUrl", "blurhash", "durationSeconds", "width"):
        assert completed[field] is None, field
    assert completed["renditions"] == []
    public = await api.get(f"{API}/videos/{completed['id']}")
    assert public.status_code == 404, "nobody else sees an unfinished video"

    assert await run_jobs(media_container) >= 1

    video = (await api.get(f"{API}/videos/{completed['id']}")).json()
    assert video["status"] == "ready"
    assert video["publishedAt"] is not None
    assert (video["durationSeconds"], video["width"], video["height"]) == (6.0, 1080, 1920)
    assert [(r["width"], r["height"]) for r in video["renditions"]] == [(360, 640), (720, 1280)]
    assert all(r["bitrateKbps"] > 0 for r in video["renditions"])
    assert video["blurhash"] == "LEHV6nWB2yk8pyo0adR*.7kCMdnj"
    assert video["contentType"] == "video/mp4"
    assert video["sizeBytes"] == len(MP4), "contentType and sizeBytes describe the upload"
    vid = video["id"]
    assert video["streamUrl"] == f"{BASE}{API}/videos/{vid}/stream"
    assert video["hlsUrl"] == f"{BASE}{API}/videos/{vid}/hls/master.m3u8"
    assert video["posterUrl"].startswith(f"{BASE}{API}/videos/{vid}/poster?v=")
    assert fake.sources == [MP4]
    keys = stored_keys(media_container, f"videos/{vid}/")
    assert f"videos/{vid}/source" not in keys, "the original is deleted once processed"
    assert f"videos/{vid}/stream.mp4" in keys
    assert f"videos/{vid}/hls/master.m3u8" in keys
    assert all(not workspace.exists() for workspace in fake.workspaces)
    me = (await api.get(f"{API}/users/me", headers=ana)).json()
    assert me["videoCount"] == 1


async def test_originals_are_kept_when_configured(
    make_container: Callable[..., Container], fake: FakeMediaProcessor
) -> None:
    container = make_container(public_url=BASE, keep_originals=True)
    container.core.media.override(providers.Object(fake))
    async with AsyncTestClient(app=create_app(container), base_url=BASE) as client:
        ana = await signup(client, "ana")
        video = await publish(client, container, ana)
    assert f"videos/{video['id']}/source" in stored_keys(container, "videos/")


async def test_a_refused_file_fails_the_video_with_its_reason_and_is_deleted(
    api: Client, media_container: Container, fake: FakeMediaProcessor
) -> None:
    fake.reject_with = "The file has no video track."
    ana = await signup(api, "ana")
    video = await upload_and_complete(api, ana)
    await run_jobs(media_container)
    failed = (await api.get(f"{API}/videos/{video['id']}", headers=ana)).json()
    assert failed["status"] == "failed"
    assert failed["failureReason"] == "The file has no video track."
    assert failed["streamUrl"] is None
    assert failed["renditions"] == []
    assert stored_keys(media_container, f"videos/{video['id']}/") == []
    assert fake.attempts == 1, "a refused file is not retried"


async def test_a_video_longer_than_the_maximum_fails_readably(
    make_container: Callable[..., Container], fake: FakeMediaProcessor
) -> None:
    container = make_container(public_url=BASE, max_duration_seconds=5)
    container.core.media.override(providers.Object(fake))
    async with AsyncTestClient(app=create_app(container), base_url=BASE) as client:
        ana = await signup(client, "ana")
        video = await upload_and_complete(client, ana)
        await run_jobs(container)
        failed = (await client.get(f"{API}/videos/{video['id']}", headers=ana)).json()
    assert failed["status"] == "failed"
    assert failed["failureReason"] == (
        "The video is 6.0 seconds long; at most 5 seconds are accepted."
    )


async def _run_with_retries(container: Container, clock: ManualClock, rounds: int = 4) -> None:
    for _ in range(rounds):
        await run_jobs(container)
        clock.advance(timedelta(minutes=2))  # past the back-off of the first retries
    await run_jobs(container)


async def test_a_failed_attempt_is_retried(
    api: Client, media_container: Container, fake: FakeMediaProcessor, clock: ManualClock
) -> None:
    fake.fail_attempts = 2
    ana = await signup(api, "ana")
    video = await upload_and_complete(api, ana)
    await _run_with_retries(media_container, clock)
    assert fake.attempts == 3
    ready = (await api.get(f"{API}/videos/{video['id']}", headers=ana)).json()
    assert ready["status"] == "ready"


async def test_after_three_failed_attempts_the_video_fails_and_its_files_go(
    api: Client, media_container: Container, fake: FakeMediaProcessor, clock: ManualClock
) -> None:
    fake.fail_attempts = 10
    ana = await signup(api, "ana")
    video = await upload_and_complete(api, ana)
    await _run_with_retries(media_container, clock)
    assert fake.attempts == 3, "never retried forever"
    failed = (await api.get(f"{API}/videos/{video['id']}", headers=ana)).json()
    assert failed["status"] == "failed"
    assert failed["failureReason"] == "processing failed"
    assert stored_keys(media_container, f"videos/{video['id']}/") == []


async def test_running_the_job_again_for_a_ready_or_deleted_video_does_nothing(
    api: Client, media_container: Container, fake: FakeMediaProcessor
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    gone = await publish(api, media_container, ana)
    assert (await api.delete(f"{API}/videos/{gone['id']}", headers=ana)).status_code == 204
    before = stored_keys(media_container, "videos/")
    async with media_container.adapters.unit_of_work()() as uow:
        for video_id in (video["id"], gone["id"]):
            await uow.tasks.defer(PROCESS_VIDEO, {"video_id": video_id})
        await uow.commit()
    attempts = fake.attempts

    assert await run_jobs(media_container) == 2

    assert fake.attempts == attempts
    assert stored_keys(media_container, "videos/") == before
    again = (await api.get(f"{API}/videos/{video['id']}")).json()
    assert again["posterUrl"] == video["posterUrl"]


async def test_a_video_deleted_while_it_is_processed_leaves_nothing_behind(
    api: Client, media_container: Container, fake: FakeMediaProcessor
) -> None:
    ana = await signup(api, "ana")
    video = await upload_and_complete(api, ana)

    async def delete_meanwhile() -> None:
        response = await api.delete(f"{API}/videos/{video['id']}", headers=ana)
        assert response.status_code == 204

    fake.during_process = delete_meanwhile
    await run_jobs(media_container)
    assert stored_keys(media_container, f"videos/{video['id']}/") == []


async def test_deleting_a_processed_video_deletes_every_file(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    assert stored_keys(media_container, f"videos/{video['id']}/")
    assert (await api.delete(f"{API}/videos/{video['id']}", headers=ana)).status_code == 204
    assert stored_keys(media_container, f"videos/{video['id']}/") == []


# Playback ---------------------------------------------------------------------------------------


async def test_stream_serves_the_processed_mp4_with_ranges_and_head(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    stream = await api.get(path_of(video["streamUrl"]))
    assert stream.status_code == 200
    assert stream.headers["content-type"] == "video/mp4"
    assert stream.content.startswith(b"\x00\x00\x00\x18ftypisom")
    assert stream.headers["accept-ranges"] == "bytes"
    assert stream.headers["x-content-type-options"] == "nosniff"
    policy = stream.headers["content-security-policy"]
    assert "media-src 'self'" in policy
    assert "default-src" not in policy
    ranged = await api.get(path_of(video["streamUrl"]), headers={"Range": "bytes=4-7"})
    assert (ranged.status_code, ranged.content) == (206, b"ftyp")
    head = await api.head(path_of(video["streamUrl"]))
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(stream.content))
    assert head.headers["etag"] == stream.headers["etag"]
    unchanged = await api.get(
        path_of(video["streamUrl"]), headers={"If-None-Match": stream.headers["etag"]}
    )
    assert unchanged.status_code == 304


async def test_the_poster_is_a_versioned_jpeg(api: Client, media_container: Container) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    poster = await api.get(path_of(video["posterUrl"]))
    assert poster.status_code == 200
    assert poster.headers["content-type"] == "image/jpeg"
    assert "immutable" in poster.headers["cache-control"]
    assert Image.open(io.BytesIO(poster.content)).size == (608, 1080)
    unversioned = await api.get(f"{API}/videos/{video['id']}/poster")
    assert unversioned.status_code == 200
    assert "immutable" not in unversioned.headers["cache-control"]
    head = await api.head(path_of(video["posterUrl"]))
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(poster.content))


async def test_hls_playlists_point_at_signed_segment_urls(
    api: Client, media_container: Container, clock: ManualClock
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    master = await api.get(path_of(video["hlsUrl"]))
    assert master.status_code == 200
    assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
    parsed = m3u8.loads(master.text)
    assert [v.uri for v in parsed.playlists] == ["360p.m3u8", "720p.m3u8"]
    assert parsed.playlists[1].stream_info.resolution == (720, 1280)

    variant = await api.get(f"{API}/videos/{video['id']}/hls/720p.m3u8")
    assert variant.status_code == 200
    playlist = m3u8.loads(variant.text)
    assert playlist.playlist_type == "vod"
    assert playlist.is_endlist
    assert [s.duration for s in playlist.segments] == [4.0, 2.0]
    uris = [playlist.segment_map[0].uri, *(s.uri for s in playlist.segments)]
    assert all(uri.startswith(f"{BASE}{API}/media/") for uri in uris)
    assert uris[0].endswith(".mp4")
    assert all(uri.endswith(".m4s") for uri in uris[1:])
    segment = await api.get(path_of(uris[1]))
    assert segment.status_code == 200
    assert segment.headers["content-type"] == "video/iso.segment"
    assert segment.content == b"segment 0 of 720p"
    ranged = await api.get(path_of(uris[1]), headers={"Range": "bytes=0-6"})
    assert (ranged.status_code, ranged.content) == (206, b"segment")
    head = await api.head(path_of(uris[1]))
    assert (head.status_code, head.content) == (200, b"")

    token = uris[1].rsplit("/", 1)[1]
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    problem_of(await api.get(f"{API}/media/{tampered}"), 403)
    clock.advance(timedelta(seconds=3601))
    problem_of(await api.get(path_of(uris[1])), 403)  # expired
    problem_of(await api.get(f"{API}/videos/{video['id']}/hls/1080p.m3u8"), 404)


async def test_playback_follows_the_visibility_of_the_video(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    bob = await signup(api, "bob")
    video = await publish(api, media_container, ana, visibility="private")
    urls = [
        path_of(video["streamUrl"]),
        path_of(video["posterUrl"]),
        path_of(video["hlsUrl"]),
        f"{API}/videos/{video['id']}/hls/360p.m3u8",
    ]
    for url in urls:
        assert (await api.get(url, headers=ana)).status_code == 200, url
        problem_of(await api.get(url, headers=bob), 404)
        problem_of(await api.get(url), 404)
        assert (await api.head(url)).status_code == 404


async def test_an_unfinished_video_has_nothing_to_play_even_for_its_owner(api: Client) -> None:
    ana = await signup(api, "ana")
    video = await upload_and_complete(api, ana)
    for name in ("stream", "poster", "hls/master.m3u8"):
        problem_of(await api.get(f"{API}/videos/{video['id']}/{name}", headers=ana), 404)


# The poster frame -------------------------------------------------------------------------------


async def test_picking_the_poster_frame_makes_a_new_poster(
    api: Client, media_container: Container, fake: FakeMediaProcessor
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    old_poster = video["posterUrl"]
    old_key = [k for k in stored_keys(media_container, f"videos/{video['id']}/poster-")]

    patched = await api.patch(
        f"{API}/videos/{video['id']}", json={"posterAtSeconds": 2.5}, headers=ana
    )
    assert patched.status_code == 200, patched.text
    await run_jobs(media_container)

    renewed = (await api.get(f"{API}/videos/{video['id']}")).json()
    assert fake.posters == [2.5]
    assert renewed["posterUrl"] != old_poster
    assert (await api.get(path_of(renewed["posterUrl"]))).status_code == 200
    assert not set(old_key) & set(stored_keys(media_container, f"videos/{video['id']}/poster-"))


async def test_the_poster_frame_must_be_within_the_video(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    video = await publish(api, media_container, ana)
    for seconds in (-0.1, 6.01):
        problem = problem_of(
            await api.patch(
                f"{API}/videos/{video['id']}", json={"posterAtSeconds": seconds}, headers=ana
            ),
            422,
        )
        assert problem["errors"][0]["field"] == "posterAtSeconds"
    processing = await upload_and_complete(api, ana)
    problem_of(
        await api.patch(
            f"{API}/videos/{processing['id']}", json={"posterAtSeconds": 1}, headers=ana
        ),
        409,
    )


# Avatars ----------------------------------------------------------------------------------------


def picture(width: int = 300, height: int = 200) -> bytes:
    return jpeg(width, height, (30, 140, 220))


async def test_an_uploaded_avatar_is_served_in_three_sizes(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    uploaded = await api.put(
        f"{API}/users/me/avatar", content=picture(), headers={**ana, "Content-Type": "image/jpeg"}
    )
    assert uploaded.status_code == 200, uploaded.text
    me = uploaded.json()
    assert me["avatarUrl"].startswith(f"{BASE}{API}/users/{me['id']}/avatar?v=")
    assert uploaded.headers["cache-control"] == "no-store"
    for size in AVATAR_SIZES:
        got = await api.get(f"{path_of(me['avatarUrl'])}&size={size}")
        assert got.status_code == 200
        assert got.headers["content-type"] == "image/jpeg"
        assert "immutable" in got.headers["cache-control"]
        assert Image.open(io.BytesIO(got.content)).size == (size, size)
    default = await api.get(f"{API}/users/{me['id']}/avatar")
    assert Image.open(io.BytesIO(default.content)).size == (512, 512)
    assert (
        await api.get(
            f"{API}/users/{me['id']}/avatar", headers={"If-None-Match": default.headers["etag"]}
        )
    ).status_code == 304
    head = await api.head(f"{API}/users/{me['id']}/avatar")
    assert (head.status_code, head.content) == (200, b"")
    problem_of(await api.get(f"{API}/users/{me['id']}/avatar?size=100"), 400)
    profile = (await api.get(f"{API}/users/{me['id']}")).json()
    assert profile["avatarUrl"] == me["avatarUrl"]


async def test_a_new_avatar_replaces_the_old_one_and_removing_deletes_it(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    headers = {**ana, "Content-Type": "image/png"}
    first = (await api.put(f"{API}/users/me/avatar", content=_png(), headers=headers)).json()
    user_id = first["id"]
    first_keys = stored_keys(media_container, f"users/{user_id}/")
    assert len(first_keys) == 3
    second = (await api.put(f"{API}/users/me/avatar", content=_png(), headers=headers)).json()
    assert second["avatarUrl"] != first["avatarUrl"]
    second_keys = stored_keys(media_container, f"users/{user_id}/")
    assert len(second_keys) == 3
    assert not set(first_keys) & set(second_keys)

    assert (await api.delete(f"{API}/users/me/avatar", headers=ana)).status_code == 204
    assert (await api.get(f"{API}/users/me", headers=ana)).json()["avatarUrl"] is None
    assert stored_keys(media_container, f"users/{user_id}/") == []
    problem_of(await api.get(f"{API}/users/{user_id}/avatar"), 404)
    assert (await api.delete(f"{API}/users/me/avatar", headers=ana)).status_code == 204


async def test_an_avatar_url_from_elsewhere_replaces_the_uploaded_one(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    me = (
        await api.put(
            f"{API}/users/me/avatar",
            content=picture(),
            headers={**ana, "Content-Type": "image/jpeg"},
        )
    ).json()
    same = await api.patch(f"{API}/users/me", json={"avatarUrl": me["avatarUrl"]}, headers=ana)
    assert same.status_code == 200
    assert stored_keys(media_container, f"users/{me['id']}/"), "sending it back changes nothing"
    elsewhere = "https://images.example.com/ana.jpg"
    patched = await api.patch(f"{API}/users/me", json={"avatarUrl": elsewhere}, headers=ana)
    assert patched.json()["avatarUrl"] == elsewhere
    assert stored_keys(media_container, f"users/{me['id']}/") == []


async def test_avatars_refuse_other_types_large_bodies_and_undecodable_pictures(
    api: Client,
) -> None:
    ana = await signup(api, "ana")
    url = f"{API}/users/me/avatar"
    problem_of(
        await api.put(url, content=b"GIF89a", headers={**ana, "Content-Type": "image/gif"}), 415
    )
    problem_of(
        await api.put(
            url, content=b"x" * (5 * 1024 * 1024 + 1), headers={**ana, "Content-Type": "image/png"}
        ),
        413,
    )
    problem = problem_of(
        await api.put(url, content=b"not a picture", headers={**ana, "Content-Type": "image/png"}),
        422,
    )
    assert "not a JPEG, PNG or WebP" in problem["detail"]
    truncated = picture(600, 400)[:400]
    problem_of(
        await api.put(url, content=truncated, headers={**ana, "Content-Type": "image/jpeg"}), 422
    )
    problem_of(await api.put(url, content=picture(), headers={"Content-Type": "image/jpeg"}), 401)


async def test_deleting_the_account_deletes_its_avatar_and_video_files(
    api: Client, media_container: Container
) -> None:
    ana = await signup(api, "ana")
    me = (
        await api.put(
            f"{API}/users/me/avatar",
            content=picture(),
            headers={**ana, "Content-Type": "image/jpeg"},
        )
    ).json()
    video = await publish(api, media_container, ana)
    deleted = await api.request(
        "DELETE", f"{API}/users/me", json={"password": PASSWORD}, headers=ana
    )
    assert deleted.status_code == 204
    assert stored_keys(media_container, f"users/{me['id']}/") == []
    assert stored_keys(media_container, f"videos/{video['id']}/") == []


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 90), (10, 200, 30, 255)).save(buffer, "PNG")
    return buffer.getvalue()
