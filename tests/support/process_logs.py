"""Logs of the processes a test starts (servers, workers): kept in files, shown only on failure.

A test that starts a process sends its output to a file (under the test's `tmp_path`) and keeps
the file with `kept_log(path)`. A passing test shows nothing; when the test fails, the hook in
`tests/conftest.py` attaches the end of each kept file to the failure report, as a section named
`process log <file>` (shown with pytest's default `--show-capture`, and with `--show-capture=log`).
A process that outlives the test starting it (a module's server) is also kept `while_running`:
its log joins the report of every test that fails while it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SHOWN_LINES = 200  # the end of a log is where a failure shows; the whole file stays on disk

_kept: list[Path] = []
_running: list[Path] = []


def kept_log(path: Path) -> Path:
    """Keep `path` as a log of the running test: its end joins the report if the test fails."""
    if path not in _kept:
        _kept.append(path)
    return path


@contextmanager
def while_running(path: Path) -> Iterator[Path]:
    """Keep `path` as a log of every test that runs (and fails) inside this block."""
    _running.append(path)
    try:
        yield kept_log(path)
    finally:
        _running.remove(path)


def kept_logs() -> list[Path]:
    """The logs kept since the running test started, and those of processes still running."""
    return list(dict.fromkeys([*_kept, *_running]))


def forget_logs() -> None:
    """Forget the kept logs (each test starts with none)."""
    _kept.clear()


def tail(path: Path, lines: int = SHOWN_LINES) -> str:
    """The last `lines` lines of a log, saying where the rest is when it is longer."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path} was never written)"
    every = text.splitlines()
    if not every:
        return f"({path} is empty)"
    if len(every) <= lines:
        return "\n".join(every)
    skipped = len(every) - lines
    return "\n".join([f"({skipped} earlier lines are in {path})", *every[-lines:]])
