"""Progress of a seed run, per phase: bars in a terminal (rich), plain lines otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Protocol, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

PLAIN_EVERY_SECONDS = 10.0  # a plain line per long phase at most this often
_T = TypeVar("_T")


class Phase(Protocol):
    def advance(self, count: int = 1) -> None:
        """`count` more units of the phase are done."""
        ...


class Reporter(Protocol):
    """Shows a run's phases as they go, and remembers how long each took."""

    done: list[tuple[str, float]]

    def phase(self, name: str, total: int | None = None) -> AbstractContextManager[Phase]:
        """A phase of `total` units (None: unknown); it ends with the block."""
        ...

    def line(self, text: str) -> None:
        """A message for the operator."""
        ...


def counted(rows: Iterable[_T], phase: Phase, every: int = 5000) -> Iterator[_T]:
    """`rows`, advancing `phase` as they are consumed."""
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == every:
            phase.advance(pending)
            pending = 0
    if pending:
        phase.advance(pending)


class _PlainPhase:
    def __init__(self, reporter: PlainReporter, name: str, total: int | None) -> None:
        self._reporter = reporter
        self.name = name
        self.total = total
        self.count = 0
        self.started = time.perf_counter()
        self._shown = self.started

    def advance(self, count: int = 1) -> None:
        self.count += count
        now = time.perf_counter()
        if now - self._shown >= PLAIN_EVERY_SECONDS:
            self._shown = now
            of = f" of {self.total:,}" if self.total is not None else ""
            self._reporter.line(f"  {self.name:<20}{self.count:>12,}{of} ...")


class PlainReporter:
    """A line per phase as it ends (`  video likes     1,000,000   12.34 s`), and a line every
    `PLAIN_EVERY_SECONDS` of a long one."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self._out = out
        self.done: list[tuple[str, float]] = []

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[Phase]:
        phase = _PlainPhase(self, name, total)
        yield phase
        seconds = time.perf_counter() - phase.started
        self.done.append((name, seconds))
        count = f"{phase.count:>12,}" if phase.count else " " * 12
        self.line(f"  {name:<20}{count}{seconds:10.2f} s")

    def line(self, text: str) -> None:
        self._out(text)


class _RichPhase:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def advance(self, count: int = 1) -> None:
        self._progress.advance(self._task, count)


class RichReporter:
    """A progress bar per phase (use it as a context manager: it owns the terminal meanwhile)."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console()
        self._progress = Progress(
            TextColumn("  {task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
        )
        self.done: list[tuple[str, float]] = []

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[Phase]:
        task = self._progress.add_task(name, total=total)
        started = time.perf_counter()
        try:
            yield _RichPhase(self._progress, task)
        finally:
            seconds = time.perf_counter() - started
            if total is None:
                self._progress.update(task, total=1, completed=1)
        self.done.append((name, seconds))

    def line(self, text: str) -> None:
        self._progress.console.print(text, markup=False, highlight=False)
