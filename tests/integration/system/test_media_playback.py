"""Real players read what processing makes, from the real server process over real HTTP.

For local files (SQLite, the embedded default) and for S3 (moto's server, PostgreSQL): a clip made
at test time is uploaded, completed and processed by the server's own worker; then FFmpeg's HLS
demuxer (PyAV opening the master playlist URL) decodes frames, and Debian's chromium plays the
MP4 in a `<video>` element and when its URL is opened directly. Deleting the video leaves no
object behind.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import boto3
import httpx
import m3u8
import pytest
from botocore.config import Config
from PIL import Image
from playwright.sync_api import Browser, sync_playwright

from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import running_server
from tests.support.clips import ClipSpec, make_clip

pytestmark = pytest.mark.slow

API = "/api/v1"
PASSWORD = "correct horse battery"
CLIP = ClipSpec(width=320, height=180, seconds=2.0, rate=25)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--mute-audio"]
READY_WITHIN_SECONDS = 90


@dataclass
class Deployment:
    """A running server, a published video on it, and a look at its storage."""

    base: str
    backend: str
    video: dict[str, Any]
    auth: dict[str, str]
    objects_of: Any  # (video id) -> list of stored keys under the video's prefix


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", CLIP)


def _publish(base: str, clip: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Register, upload the clip the way any client does, complete, and wait for `ready`."""
    with httpx.Client(base_url=base + API, timeout=30) as client:
        registered = client.post(
            "/auth/register",
            json={"username": "maker", "email": "maker@example.com", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        auth = {"Authorization": f"Bearer {registered.json()['accessToken']}"}
        data = clip.read_bytes()
        created = client.post(
            "/videos",
            json={"contentType": "video/mp4", "sizeBytes": len(data), "caption": "#test"},
            headers=auth,
        ).json()
        target = created["upload"]
        put = httpx.put(target["url"], content=data, headers=target["headers"], timeout=30)
        assert put.status_code == 200, put.text
        video_id = created["video"]["id"]
        completed = client.post(f"/videos/{video_id}/complete", json={}, headers=auth)
        assert completed.status_code == 200, completed.text
        assert completed.json()["status"] == "processing"
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while True:
            video = client.get(f"/videos/{video_id}", headers=auth).json()
            if video["status"] != "processing":
                break
            assert time.monotonic() < deadline, "processing took too long"
            time.sleep(0.2)
    assert video["status"] == "ready", video["failureReason"]
    return video, auth


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory, clip: Path) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("local")
    media = tmp / "media"
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(media),
        "CLIPSTREAM_RENDITION_HEIGHTS": "90,180",
    }

    def objects_of(video_id: str) -> list[str]:
        folder = media / "videos" / video_id
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())

    with running_server(env, tmp / "server.log") as base:
        video, auth = _publish(base, clip)
        yield Deployment(base, "local", video, auth, objects_of)


@pytest.fixture(scope="module")
def s3(
    tmp_path_factory: pytest.TempPathFactory,
    clip: Path,
    moto_endpoint: str,
    postgres_databases: PostgresDatabases,
) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("s3")
    bucket = f"clipstream-media-{os.getpid()}"
    client = boto3.client(
        "s3", endpoint_url=moto_endpoint, config=Config(s3={"addressing_style": "path"})
    )
    client.create_bucket(Bucket=bucket)
    env = {
        "CLIPSTREAM_DATABASE_URL": postgres_databases.create(migrated=True),
        "CLIPSTREAM_STORAGE_URL": f"s3://{bucket}/media",
        "CLIPSTREAM_S3_ENDPOINT_URL": moto_endpoint,
        "CLIPSTREAM_RENDITION_HEIGHTS": "90,180",
    }

    def objects_of(video_id: str) -> list[str]:
        prefix = f"media/videos/{video_id}/"
        listing = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"][len(prefix) :] for item in listing.get("Contents", []))

    with running_server(env, tmp / "server.log") as base:
        video, auth = _publish(base, clip)
        yield Deployment(base, "s3", video, auth, objects_of)


@pytest.fixture(params=["local", "s3"])
def deployment(request: pytest.FixtureRequest) -> Deployment:
    found: Deployment = request.getfixturevalue(request.param)
    return found


def test_a_processed_video_has_its_poster_renditions_and_urls(deployment: Deployment) -> None:
    video = deployment.video
    assert video["durationSeconds"] == pytest.approx(2.0, abs=0.1)
    assert (video["width"], video["height"]) == (320, 180)
    assert [(r["width"], r["height"]) for r in video["renditions"]] == [(160, 90), (320, 180)]
    assert all(r["bitrateKbps"] > 0 for r in video["renditions"])
    assert video["blurhash"]
    base = deployment.base + API
    assert video["streamUrl"] == f"{base}/videos/{video['id']}/stream"
    assert video["hlsUrl"] == f"{base}/videos/{video['id']}/hls/master.m3u8"
    assert video["posterUrl"].startswith(f"{base}/videos/{video['id']}/poster?v=")
    stored = deployment.objects_of(video["id"])
    assert "source" not in stored, "the original is deleted once processed"
    assert "stream.mp4" in stored
    assert "hls/master.m3u8" in stored
    assert any(name.startswith("poster-") for name in stored)


def test_ffmpeg_plays_the_hls_master_playlist(deployment: Deployment) -> None:
    with av.open(deployment.video["hlsUrl"], timeout=30) as container:
        sizes = {(s.codec_context.width, s.codec_context.height) for s in container.streams.video}
        assert sizes == {(160, 90), (320, 180)}
        best = max(container.streams.video, key=lambda s: s.codec_context.width)
        frames = [frame for _, frame in zip(range(20), container.decode(best), strict=False)]
    assert len(frames) == 20
    assert {(f.width, f.height) for f in frames} == {(320, 180)}


def test_variant_playlists_carry_absolute_signed_segment_urls(deployment: Deployment) -> None:
    master_url = deployment.video["hlsUrl"]
    master = m3u8.loads(httpx.get(master_url, timeout=10).text, uri=master_url)
    assert [v.uri for v in master.playlists] == ["90p.m3u8", "180p.m3u8"]
    response = httpx.get(master_url.replace("master.m3u8", "180p.m3u8"), timeout=10)
    assert response.headers["content-type"] == "application/vnd.apple.mpegurl"
    playlist = m3u8.loads(response.text)
    assert playlist.playlist_type == "vod"
    assert sum(s.duration for s in playlist.segments) == pytest.approx(2.0, abs=0.1)
    uris = [playlist.segment_map[0].uri, *(s.uri for s in playlist.segments)]
    for uri in uris:
        if deployment.backend == "local":
            assert uri.startswith(f"{deployment.base}{API}/media/")
        else:
            assert "X-Amz-Signature=" in uri
        segment = httpx.get(uri, timeout=10)
        assert segment.status_code == 200
    if deployment.backend == "local":
        ranged = httpx.get(uris[1], headers={"Range": "bytes=0-7"}, timeout=10)
        assert ranged.status_code == 206
        assert ranged.headers["content-type"] == "video/iso.segment"
        assert len(ranged.content) == 8


def test_the_poster_and_stream_answer_get_and_head(deployment: Deployment) -> None:
    for url, kind in [
        (deployment.video["posterUrl"], "image/jpeg"),
        (deployment.video["streamUrl"], "video/mp4"),
    ]:
        got = httpx.get(url, follow_redirects=True, timeout=10)
        assert got.status_code == 200
        assert got.headers["content-type"].startswith(kind)
        head = httpx.head(url, timeout=10)
        if deployment.backend == "s3":
            assert head.status_code == 302
            assert head.headers["location"].startswith("http")
        else:
            assert head.status_code == 200
            assert head.content == b""
            assert head.headers["content-length"] == str(len(got.content))
            assert "media-src 'self'" in head.headers["content-security-policy"]
            assert "default-src" not in head.headers["content-security-policy"]
    poster = httpx.get(deployment.video["posterUrl"], follow_redirects=True, timeout=10)
    image = Image.open(io.BytesIO(poster.content))
    assert image.size == (320, 180)


def test_deleting_the_video_deletes_every_object(deployment: Deployment, clip: Path) -> None:
    with httpx.Client(base_url=deployment.base + API, timeout=30) as client:
        data = clip.read_bytes()
        created = client.post(
            "/videos",
            json={"contentType": "video/mp4", "sizeBytes": len(data)},
            headers=deployment.auth,
        ).json()
        target = created["upload"]
        httpx.put(target["url"], content=data, headers=target["headers"], timeout=30)
        video_id = created["video"]["id"]
        client.post(f"/videos/{video_id}/complete", json={}, headers=deployment.auth)
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while (
            client.get(f"/videos/{video_id}", headers=deployment.auth).json()["status"]
            == "processing"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert deployment.objects_of(video_id)
        assert client.delete(f"/videos/{video_id}", headers=deployment.auth).status_code == 204
    assert deployment.objects_of(video_id) == []


# The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (`make test` installs it: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the browser tests")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_chromium_plays_the_mp4_in_a_video_element(browser: Browser, local: Deployment) -> None:
    page = browser.new_page()
    try:
        page.set_content(  # on about:blank: a page of another origin embeds the video
            f'<video id="v" muted preload="auto" src="{local.video["streamUrl"]}"></video>'
        )
        page.wait_for_function(
            "() => { const v = document.getElementById('v'); return v.readyState >= 2 && !v.error; }",
            timeout=20_000,
        )
        state = page.locator("#v").evaluate(
            "v => [v.readyState, v.duration, v.videoWidth, v.videoHeight]"
        )
    finally:
        page.close()
    ready_state, duration, width, height = state
    assert ready_state >= 2
    assert duration == pytest.approx(2.0, abs=0.1)
    assert (width, height) == (320, 180)


def test_chromium_plays_the_stream_url_opened_directly(browser: Browser, local: Deployment) -> None:
    page = browser.new_page()
    try:
        response = page.goto(local.video["streamUrl"])
        assert response is not None
        assert response.status == 200
        page.wait_for_function(
            "() => { const v = document.querySelector('video'); "
            "return v !== null && v.readyState >= 2 && !v.error; }",
            timeout=20_000,
        )
        duration = page.evaluate("() => document.querySelector('video').duration")
    finally:
        page.close()
    assert duration == pytest.approx(2.0, abs=0.1)
