"""In-memory login lock-out store (one process)."""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from application.ports.clock import Clock
from application.ports.login_attempt_store import (
    FAILED_LOGIN_WINDOW,
    LOGIN_LOCKOUT,
    MAX_FAILED_LOGINS,
    LoginAttemptStore,
)


class MemoryLoginAttemptStore(LoginAttemptStore):
    """Sliding window of failure times per key; `max_failures` within `window` locks for `lockout`."""

    def __init__(
        self,
        clock: Clock,
        max_failures: int = MAX_FAILED_LOGINS,
        window: timedelta = FAILED_LOGIN_WINDOW,
        lockout: timedelta = LOGIN_LOCKOUT,
    ) -> None:
        self._clock = clock
        self._max_failures = max_failures
        self._window = window
        self._lockout = lockout
        self._failures: dict[str, deque[datetime]] = {}
        self._locked_until: dict[str, datetime] = {}

    async def locked_for(self, key: str) -> int:
        until = self._locked_until.get(key)
        if until is None:
            return 0
        remaining = (until - self._clock.now()).total_seconds()
        if remaining <= 0:
            del self._locked_until[key]
            return 0
        return max(1, math.ceil(remaining))

    async def record_failure(self, key: str) -> int:
        now = self._clock.now()
        failures = self._failures.setdefault(key, deque())
        failures.append(now)
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if len(self._failures) > 10_000:  # bound memory: forget keys with no recent failure
            self._forget_stale(now)
        if len(failures) >= self._max_failures:
            failures.clear()
            self._locked_until[key] = now + self._lockout
            return math.ceil(self._lockout.total_seconds())
        return 0

    async def reset(self, key: str) -> None:
        self._failures.pop(key, None)
        self._locked_until.pop(key, None)

    def _forget_stale(self, now: datetime) -> None:
        for key in [
            k for k, times in self._failures.items() if not times or times[-1] <= now - self._window
        ]:
            del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]
