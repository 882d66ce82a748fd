"""Check that the service's dependencies answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from application.errors import describe
from application.ports.dependency_probe import DependencyNotReady, DependencyProbe

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NotReady:
    """A dependency that failed its check, and why, in words fit for anyone who asks."""

    dependency: str
    reason: str


class CheckReadiness:
    """Probe every dependency concurrently, each within `timeout` seconds.

    Returns the dependencies that failed or did not answer in time (empty when ready). The reason
    of each is public: a `DependencyNotReady` says its own (what to fix); any other failure is only
    "unavailable", and its cause (the error, and where the dependency is) goes to the log once,
    when the dependency starts failing or fails in another way (another kind of error), not at
    every poll; its recovery is logged too.
    """

    def __init__(self, probes: Sequence[DependencyProbe], timeout: float = 2.0) -> None:
        self._probes = probes
        self._timeout = timeout
        self._logged: dict[str, str] = {}  # dependency -> the kind of failure last logged

    async def execute(self) -> list[NotReady]:
        results = await asyncio.gather(
            *(asyncio.wait_for(probe.check(), self._timeout) for probe in self._probes),
            return_exceptions=True,
        )
        failing: list[NotReady] = []
        for probe, result in zip(self._probes, results, strict=True):
            if isinstance(result, BaseException):
                failing.append(NotReady(probe.name, self._reason(probe, result)))
            elif self._logged.pop(probe.name, None) is not None:
                logger.info("readiness: the %s is available again", probe.name)
        return failing

    def _reason(self, probe: DependencyProbe, error: BaseException) -> str:
        if isinstance(error, DependencyNotReady):
            reason = cause = str(error)
        else:
            reason = "unavailable"
            cause = (
                f"no answer within {self._timeout:g} s"
                if isinstance(error, TimeoutError)
                else describe(error)
            )
        kind = reason if isinstance(error, DependencyNotReady) else _kind(error)
        if self._logged.get(probe.name) != kind:
            self._logged[probe.name] = kind
            at = f" ({probe.location})" if probe.location else ""
            logger.error("readiness: the %s%s is not ready: %s", probe.name, at, cause)
        return reason


def _kind(error: BaseException) -> str:
    """What kind of failure an error is, without the details that change at every attempt (a
    temporary file's name, a port, a request id): its chain of types and error numbers."""
    kinds: list[str] = []
    current: BaseException | None = error
    while current is not None and len(kinds) < 4:
        errno = getattr(current, "errno", None)
        kinds.append(type(current).__name__ + (f"[{errno}]" if isinstance(errno, int) else ""))
        current = current.__cause__ or current.__context__
    return " <- ".join(kinds)
