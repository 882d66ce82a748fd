"""wrk: installing it, writing the per-endpoint data its Lua script reads, running, parsing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchkit.config import LUA_DIR
from benchkit.endpoints import Request

SCRIPT = LUA_DIR / "bench.lua"
RESULT_PREFIX = "BENCH_RESULT "
WRK = "/usr/bin/wrk"


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get (Debian package `wrk`) when missing."""
    found = shutil.which("wrk") or (WRK if Path(WRK).exists() else None)
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("wrk is missing: installing it with apt-get", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True)  # noqa: S603
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("apt-get installed wrk, but it is not on PATH")
    return found


def wrk_version(binary: str) -> str:
    completed = subprocess.run(  # noqa: S603
        [binary, "-v"], capture_output=True, text=True, check=False
    )
    return (completed.stdout or completed.stderr).strip().splitlines()[0]


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    non2xx: int
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0  # connect, read, write errors and timeouts

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Non-2xx responses and socket errors; a run without any response counts as one."""
        return self.non2xx + self.socket_errors + (1 if self.requests == 0 else 0)


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write_data(path: Path, tokens: Sequence[str], per_thread: Sequence[Sequence[Request]]) -> Path:
    """The Lua table bench.lua loads: tokens, and each wrk thread's requests."""
    lines = ["return {", "  tokens = {"]
    lines += [f"    {_lua_string(token)}," for token in tokens]
    lines += ["  },", "  threads = {"]
    for requests in per_thread:
        lines.append("    {")
        for r in requests:
            fields = [f"m = {_lua_string(r.method)}", f"p = {_lua_string(r.path)}"]
            if r.token is not None:
                fields.append(f"t = {r.token}")
            if r.body is not None:
                fields.append(f"b = {_lua_string(r.body)}")
            lines.append("      { " + ", ".join(fields) + " },")
        lines.append("    },")
    lines += ["  },", "}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


class WrkRun:
    """One wrk process; `result()` waits for it and parses its BENCH_RESULT line."""

    def __init__(
        self,
        binary: str,
        url: str,
        data: Path,
        *,
        connections: int,
        threads: int,
        seconds: float,
        timeout_seconds: int = 30,
    ) -> None:
        argv = [
            binary,
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={timeout_seconds}s",
            "-s", str(SCRIPT),
            url, "--", str(data),
        ]  # fmt: skip
        self._process = subprocess.Popen(  # noqa: S603
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def result(self) -> WrkResult:
        try:
            stdout, stderr = self._process.communicate()
        finally:
            self.kill()  # interrupted while waiting: do not leave wrk running
        for line in stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                raw = json.loads(line[len(RESULT_PREFIX) :])
                return WrkResult(
                    requests=raw["requests"],
                    seconds=raw["duration_us"] / 1e6,
                    p50_ms=raw["p50_us"] / 1000,
                    p90_ms=raw["p90_us"] / 1000,
                    p99_ms=raw["p99_us"] / 1000,
                    max_ms=raw["max_us"] / 1000,
                    mean_ms=raw["mean_us"] / 1000,
                    non2xx=raw["non2xx"],
                    statuses={str(k): int(v) for k, v in raw["statuses"].items()},
                    socket_errors=raw["connect_errors"]
                    + raw["read_errors"]
                    + raw["write_errors"]
                    + raw["timeouts"],
                )
        raise RuntimeError(f"wrk printed no result (exit {self._process.returncode}):\n{stderr}")

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
