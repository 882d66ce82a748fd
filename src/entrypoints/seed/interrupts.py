"""Stopping a seed run: SIGINT (Ctrl-C) and SIGTERM cancel it at once, except while it commits."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """What a run asks of whoever may stop it: `received` (the first signal's name, if any), and
    `deferred()` around the commit. This one never receives anything (runs driven by code)."""

    received: str | None = None

    @contextmanager
    def deferred(self) -> Iterator[None]:
        yield


class StopSignals(Interrupts):
    """While installed (a context manager, in the run's event loop), each SIGINT or SIGTERM
    cancels `task`: the first stops the run, which then removes what it wrote; another one stops
    that removal. Inside `deferred()` (the commit, a moment) a signal is only recorded: the run
    completes."""

    def __init__(self, task: asyncio.Task[object]) -> None:
        self._task = task
        self._loop = task.get_loop()
        self._deferring = False
        self.received = None

    def __enter__(self) -> StopSignals:
        for number in SIGNALS:
            self._loop.add_signal_handler(number, self._on_signal, number)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for number in SIGNALS:
            self._loop.remove_signal_handler(number)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False

    def _on_signal(self, number: signal.Signals) -> None:
        if self.received is None:
            self.received = number.name
        if not self._deferring:
            self._task.cancel()
