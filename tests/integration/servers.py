"""Starting the real `clipstream serve` process for tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.process_logs import while_running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(
    env: dict[str, str], log_path: Path, *, workers: int = 1, extra_args: tuple[str, ...] = ()
) -> Iterator[str]:
    """Run `clipstream serve` on a free port with `env` added; yields its base URL once ready.

    Its output goes to `log_path`, shown only with the report of a test that fails while it runs or
    that started it (`tests/support/process_logs.py`).
    """
    port = free_port()
    full_env = {**os.environ, "CLIPSTREAM_BCRYPT_ROUNDS": "4", **env}
    executable = str(Path(sys.executable).with_name("clipstream"))
    command = [executable, "serve", "--port", str(port), "--workers", str(workers), *extra_args]
    with while_running(log_path), log_path.open("wb") as log:
        process = subprocess.Popen(command, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    pytest.fail(f"server exited early with {process.returncode} (its log follows)")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    pytest.fail("server did not become ready in 30 s (its log follows)")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
