"""What `clipstream serve` prints: coloured request lines at a terminal, JSON lines otherwise, and
no library chatter (Alembic's plugins, granian's start and stop lines) either way."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import free_port, running_server

CLIPSTREAM = str(Path(sys.executable).with_name("clipstream"))


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
    }


@pytest.mark.slow
def test_piped_output_is_json_lines_naming_the_docs_without_library_chatter(
    tmp_path: Path,
) -> None:
    log_path = tmp_path / "server.log"
    env = {**_env(tmp_path), "CLIPSTREAM_LOG_FORMAT": ""}  # the default for a pipe
    with running_server(env, log_path) as base:
        assert httpx.get(f"{base}/api/v1/users", timeout=5).status_code == 400
    lines = log_path.read_text().splitlines()
    events = [json.loads(line) for line in lines]  # every line is JSON
    messages = [str(e.get("event")) for e in events]
    assert any(f"(API docs at {base}/schema)" in m for m in messages), messages
    assert not [line for line in lines if "alembic" in line or "[INFO]" in line]
    [request] = [e for e in events if e.get("event") == "request" and e["status"] == 400]
    assert request["route"] == "/api/v1/users"


@contextlib.contextmanager
def _serve_at_a_terminal(env: dict[str, str]) -> Iterator[tuple[str, list[bytes]]]:
    """`clipstream serve` whose output is a terminal; yields its URL and what it printed so far."""
    port = free_port()
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [CLIPSTREAM, "serve", "--port", str(port)],
        env={**os.environ, "CLIPSTREAM_BCRYPT_ROUNDS": "4", **env},
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    output: list[bytes] = []

    def read_for(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([leader], [], [], left)
            if ready:
                try:
                    output.append(os.read(leader, 65536))
                except OSError:  # the terminal closed: the process ended
                    return

    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            read_for(0.1)
            assert process.poll() is None, b"".join(output).decode(errors="replace")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
        yield base, output
        read_for(1.0)
    finally:
        process.terminate()
        process.wait(timeout=15)
        os.close(leader)


@pytest.mark.slow
def test_at_a_terminal_requests_are_coloured_lines_with_path_status_and_problem(
    tmp_path: Path,
) -> None:
    env = {**_env(tmp_path), "CLIPSTREAM_LOG_FORMAT": ""}  # the default for a terminal
    with _serve_at_a_terminal(env) as (base, output):
        assert httpx.get(f"{base}/api/v1/users", timeout=5).status_code == 400
    text = b"".join(output).decode(errors="replace")
    [line] = [line for line in text.splitlines() if "GET /api/v1/users" in line]
    assert "\x1b[33m400\x1b[0m" in line  # a 4xx in yellow
    assert "Bad Request: q: is required (a query parameter)" in line
    assert " ms" in line
    assert f"(API docs at {base}/schema)" in text
    assert "alembic" not in text
    assert "[INFO]" not in text
    assert not any(line.lstrip().startswith("{") for line in text.splitlines())
