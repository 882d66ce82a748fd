"""The results: a terminal table, bench/last-run.json and a Markdown table for RESULTS.md."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from typing import Any

import psycopg

from benchkit.config import ROOT
from benchkit.wrk import WrkResult

P99_TARGET_MS = 50.0
HEADERS = (
    "endpoint", "Clipstream req/s", "p50", "p99", "errors", "ceiling req/s", "ratio",
    "p99 < 50 ms?",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    title: str
    app: WrkResult
    ceiling: WrkResult | None

    @property
    def ratio(self) -> float | None:
        if self.ceiling is None or not self.ceiling.rps:
            return None
        return self.app.rps / self.ceiling.rps

    def cells(self) -> tuple[str, ...]:
        errors = str(self.app.errors) if not self.app.errors else f"{self.app.errors} !!"
        if not self.app.requests:
            errors = "no response !!"
        if self.ceiling is not None and self.ceiling.errors:
            errors += f" (ceiling {self.ceiling.errors} !!)"
        return (
            self.title,
            f"{self.app.rps:,.0f}",
            f"{self.app.p50_ms:.1f} ms",
            f"{self.app.p99_ms:.1f} ms",
            errors,
            "-" if self.ceiling is None else f"{self.ceiling.rps:,.0f}",
            "-" if self.ratio is None else f"{self.ratio:.2f}",
            "yes" if self.app.p99_ms < P99_TARGET_MS else "NO",
        )

    def as_json(self) -> dict[str, Any]:
        def result(r: WrkResult | None) -> dict[str, Any] | None:
            return None if r is None else {**asdict(r), "rps": round(r.rps, 1)}

        return {
            "endpoint": self.name,
            "title": self.title,
            "clipstream": result(self.app),
            "ceiling": result(self.ceiling),
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "p99_under_50ms": self.app.p99_ms < P99_TARGET_MS,
            "errors": self.app.errors + (self.ceiling.errors if self.ceiling else 0),
        }


def text_table(rows: list[Row]) -> str:
    cells = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    lines = []
    for n, line in enumerate(cells):
        lines.append(
            " | ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join(["---"] + ["---:"] * 7) + "|"]
    for row in rows:
        cells = list(row.cells())
        cells[0] = f"`{cells[0]}`"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(
    rows: list[Row], machine: dict[str, Any], settings: dict[str, Any], extra: list[str]
) -> str:
    def listing(values: dict[str, Any]) -> list[str]:
        return [f"- {key}: {value}" for key, value in values.items()]

    return "\n".join(
        [
            f"### Run of {settings.get('started_at', '?')}",
            "",
            markdown_table(rows),
            "",
            *extra,
            "",
            "Machine:",
            "",
            *listing(machine),
            "",
            "Settings:",
            "",
            *listing({k: v for k, v in settings.items() if k != "started_at"}),
            "",
        ]
    )


def _first_line(argv: list[str]) -> str:
    try:
        completed = subprocess.run(  # noqa: S603
            argv, capture_output=True, text=True, check=False, cwd=ROOT, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (completed.stdout or completed.stderr).strip().splitlines()
    return lines[0] if lines else ""


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory() -> str:
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
            return f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "?"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def machine_info(conninfo: str, wrk: str) -> dict[str, Any]:
    with psycopg.connect(conninfo, autocommit=True) as conn:

        def show(name: str) -> str:
            row = conn.execute(f"SHOW {name}").fetchone()  # a fixed setting name
            return str(row[0]) if row else "?"

        postgres = (
            f"{show('server_version')} (shared_buffers {show('shared_buffers')}, "
            f"max_connections {show('max_connections')}, "
            f"synchronous_commit {show('synchronous_commit')})"
        )
    dirty = _first_line(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "postgresql": postgres,
        "python": platform.python_version(),
        "packages": ", ".join(
            f"{p} {_version(p)}"
            for p in ("granian", "litestar", "sqlalchemy", "psycopg", "msgspec")
        ),
        "wrk": wrk,
        "commit": _first_line(["git", "rev-parse", "--short", "HEAD"])
        + (" (with uncommitted changes)" if dirty else ""),
    }
