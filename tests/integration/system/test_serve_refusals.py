"""`clipstream serve` refuses, in one line and with exit status 1, to start where it cannot work."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import free_port, running_server

CLIPSTREAM = str(Path(sys.executable).with_name("clipstream"))


def clipstream(*args: str, env: dict[str, str], timeout: float = 60) -> tuple[int, list[str]]:
    """Run the real command; its exit status and the lines it printed (stdout and stderr)."""
    finished = subprocess.run(
        [CLIPSTREAM, *args],
        env={**os.environ, "CLIPSTREAM_BCRYPT_ROUNDS": "4", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        check=False,
    )
    return finished.returncode, finished.stdout.decode().splitlines()


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
    }


@pytest.mark.slow
def test_a_port_another_program_holds_is_refused_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        status, lines = clipstream("serve", "--port", str(port), env=sqlite_env(tmp_path))
    assert status == 1
    assert lines == [
        f"clipstream: 127.0.0.1:{port} is already in use (another `clipstream serve` or another "
        "program): stop it, or serve on another --port"
    ]


@pytest.mark.slow
def test_a_second_server_on_the_port_of_a_first_is_refused_and_the_first_keeps_it(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with running_server(sqlite_env(first), tmp_path / "first.log") as base:
        port = base.rsplit(":", 1)[1]
        status, lines = clipstream("serve", "--port", port, env=sqlite_env(second))
        assert status == 1
        assert len(lines) == 1
        assert f"127.0.0.1:{port} is already in use" in lines[0]
        # Every wildcard address covers the taken one too.
        status, lines = clipstream(
            "serve", "--host", "0.0.0.0", "--port", port, env=sqlite_env(second)
        )
        assert (status, len(lines)) == (1, 1)
        assert f"0.0.0.0:{port} is already in use" in lines[0]
        assert httpx.get(f"{base}/health/ready", timeout=5).status_code == 200
    assert not (second / "clipstream.db").exists()  # refused before touching its database


@pytest.mark.slow
def test_a_host_that_does_not_resolve_is_refused_in_one_line(tmp_path: Path) -> None:
    port = str(free_port())
    status, lines = clipstream(
        "serve", "--host", "no-such-host.invalid", "--port", port, env=sqlite_env(tmp_path)
    )
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"clipstream: cannot listen on no-such-host.invalid:{port}: ")
