"""A storage that is not usable: one line at start (production), a loud warning and 503 to uploads
(development), its cause in the log once; usable again, uploads work without a restart."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from tests.integration.servers import free_port

CLIPSTREAM = str(Path(sys.executable).with_name("clipstream"))
PASSWORD = "correct horse battery"


def _env(tmp_path: Path, storage_url: str, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "CLIPSTREAM_BCRYPT_ROUNDS": "10",
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": storage_url,
        "CLIPSTREAM_JWT_SECRET": secrets.token_urlsafe(48),
        **more,
    }


def _production(tmp_path: Path, storage_url: str, **more: str) -> dict[str, str]:
    return _env(tmp_path, storage_url, CLIPSTREAM_ENV="production", **more)


def _serve(env: dict[str, str]) -> tuple[int, list[str]]:
    finished = subprocess.run(
        [CLIPSTREAM, "serve", "--port", str(free_port())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=60,
        check=False,
    )
    return finished.returncode, finished.stdout.decode().splitlines()


@pytest.mark.slow
def test_production_refuses_a_missing_bucket_naming_it_its_endpoint_and_the_fix(
    tmp_path: Path, moto_endpoint: str
) -> None:
    env = _production(
        tmp_path, "s3://clipstream-missing/media", CLIPSTREAM_S3_ENDPOINT_URL=moto_endpoint
    )
    assert _serve(env) == (
        1,
        [
            f"clipstream: the storage (s3://clipstream-missing/media at {moto_endpoint}) is not "
            "usable: the bucket does not exist: create it (README, 'Creating the bucket') or fix "
            "CLIPSTREAM_STORAGE_URL"
        ],
    )


@pytest.mark.slow
def test_production_refuses_an_endpoint_that_does_not_answer(
    tmp_path: Path, aws_environment: None
) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    env = _production(tmp_path, "s3://clipstream", CLIPSTREAM_S3_ENDPOINT_URL=endpoint)
    status, lines = _serve(env)
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"clipstream: the storage (s3://clipstream at {endpoint}) is not")
    assert "Connection refused" in lines[0]
    assert lines[0].endswith("start it, or fix CLIPSTREAM_S3_ENDPOINT_URL")


@pytest.mark.slow
def test_a_storage_folder_that_cannot_be_created_is_refused_even_in_development(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder's parent should be")
    status, lines = _serve(_env(tmp_path, str(blocker / "media")))
    assert status == 1
    assert lines == [
        f"clipstream: the storage (folder {blocker / 'media'}) is not usable: Not a directory "
        f"({blocker / 'media'}): create it writable for this user, or fix CLIPSTREAM_STORAGE_URL"
    ]


@contextlib.contextmanager
def _live_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`clipstream serve` once it answers /health/live (it may well not be ready)."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [CLIPSTREAM, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log_path.read_text()
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                        break
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.mark.slow
def test_development_warns_answers_503_to_uploads_and_recovers_when_the_bucket_appears(
    tmp_path: Path, moto_endpoint: str
) -> None:
    bucket = f"clipstream-{uuid.uuid4().hex[:12]}"
    env = _env(tmp_path, f"s3://{bucket}", CLIPSTREAM_S3_ENDPOINT_URL=moto_endpoint)
    log_path = tmp_path / "server.log"
    with _live_server(env, log_path) as base, httpx.Client(base_url=base, timeout=10) as client:
        for _ in range(3):
            ready = client.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["failing"] == ["storage"]
        body = {"username": "ana", "email": "ana@example.com", "password": PASSWORD}
        account = client.post("/api/v1/auth/register", json=body).json()
        auth = {"Authorization": f"Bearer {account['accessToken']}"}
        mine = f"/api/v1/users/{account['user']['id']}/videos"
        video = {"contentType": "video/mp4", "sizeBytes": 1000}
        refused = client.post("/api/v1/videos", json=video, headers=auth)
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert client.get(mine, headers=auth).json()["items"] == []  # nothing half-created

        boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
        assert client.get("/health/ready").status_code == 200
        assert client.post("/api/v1/videos", json=video, headers=auth).status_code == 201
    log = log_path.read_text()
    assert log.count("STORAGE NOT USABLE, uploads will answer 503 until it is") == 1
    assert "the bucket does not exist" in log
    # The readiness failure's cause, with where the storage is: logged once for three polls.
    causes = [line for line in log.splitlines() if "readiness: the storage" in line]
    assert len([c for c in causes if "is not ready" in c]) == 1, causes
    assert f"s3://{bucket} at {moto_endpoint}" in causes[0]
    assert "available again" in causes[-1]


@pytest.mark.slow
def test_a_storage_folder_removed_while_serving_is_logged_once_and_recovers(
    tmp_path: Path,
) -> None:
    media = tmp_path / "media"
    log_path = tmp_path / "server.log"
    with (
        _live_server(_env(tmp_path, str(media)), log_path) as base,
        httpx.Client(base_url=base, timeout=10) as client,
    ):
        assert client.get("/health/ready").status_code == 200
        shutil.rmtree(media)
        for _ in range(3):  # each attempt fails on a file of another name
            ready = client.get("/health/ready")
            assert ready.status_code == 503
            assert ready.json()["reasons"] == {"storage": "unavailable"}
        media.mkdir()
        assert client.get("/health/ready").status_code == 200
    lines = [line for line in log_path.read_text().splitlines() if "readiness: the storage" in line]
    assert len(lines) == 2, lines
    assert f"readiness: the storage (folder {media}) is not ready: " in lines[0]
    assert "FileNotFoundError" in lines[0]
    assert "the storage is available again" in lines[1]
