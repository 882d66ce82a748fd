"""Running CPU-heavy work on untrusted files (decoding uploads) in a child process with limits.

Each call starts a fresh interpreter (`python -I -m adapters.media.child`, about 0.1 s with
PyAV imported) and sends it the function and its arguments. The child lowers its priority, caps
its address space (`RLIMIT_AS`), writes no core dump, runs the function and sends back the result.
The parent waits without blocking its event loop, up to a wall-clock limit: a child that hangs is
killed at the limit (and, should the parent itself be killed, the child ends with it, or at the
latest shortly after the limit by an alarm of its own); one that crashes (a signal), exits without answering or runs out of memory
becomes a `ChildFailed` saying what happened. The parent is never affected, and a cancelled wait
kills the child too.

A fresh interpreter (rather than a fork) shares nothing with the server: no threads, locks or
connections are copied, and nothing of the parent's main module runs again.

Errors of the application's own (`DomainError`, e.g. "this file is not a video") raised in the
child are raised again in the parent as they are. This isolates faults, not privileges: the child
runs as the same user (it is no security sandbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import math
import pickle
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from domain.errors import DomainError

T = TypeVar("T")

CHILD_MODULE = "adapters.media.child"
_GRACE_SECONDS = 30
_STDERR_TAIL = 500


class FailureKind(enum.StrEnum):
    TIMEOUT = "timeout"
    CRASH = "crash"
    MEMORY = "memory"
    ERROR = "error"


class ChildFailed(Exception):
    """The child did not return a result; `kind` says how, the message says it for a person."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class ChildLimits:
    """Wall-clock seconds and address-space bytes (None: unlimited) one child may use."""

    timeout_seconds: float
    memory_bytes: int | None = None
    niceness: int = 10  # background work yields the CPU to requests served on the same machine


@dataclass(frozen=True, slots=True)
class ChildSetup:
    """What the child needs before it loads the work: where modules are, and its limits."""

    sys_path: list[str]
    memory_bytes: int | None
    niceness: int
    deadline_seconds: int  # the child ends itself past this, should its parent be gone


async def run_in_child(function: Callable[..., T] | str, *args: Any, limits: ChildLimits) -> T:
    """`function(*args)` in a new child process under `limits`; raises `ChildFailed` if it fails.

    `function` is a module-level function, or its name as `"package.module:function"` (then this
    process need not import its module: the server never loads FFmpeg); `args` must be picklable.
    """
    deadline = math.ceil(limits.timeout_seconds) + _GRACE_SECONDS
    setup = ChildSetup(list(sys.path), limits.memory_bytes, limits.niceness, deadline)
    request = pickle.dumps(setup) + pickle.dumps((function, args))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-m",
        CHILD_MODULE,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(limits.timeout_seconds):
            answer, errors = await process.communicate(request)
    except TimeoutError:
        raise ChildFailed(
            FailureKind.TIMEOUT,
            f"did not finish within {limits.timeout_seconds:g} seconds and was stopped",
        ) from None
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    return cast(T, _outcome(process.returncode, answer, errors))


def _outcome(returncode: int | None, answer: bytes, errors: bytes) -> Any:
    if returncode is not None and returncode < 0:
        raise _killed(-returncode)
    try:
        status, payload = pickle.loads(answer)  # noqa: S301 - our own child's answer
    except Exception:
        tail = errors.decode("utf-8", "replace").strip()[-_STDERR_TAIL:]
        detail = f": {tail}" if tail else ""
        raise ChildFailed(
            FailureKind.CRASH, f"exited with status {returncode} without an answer{detail}"
        ) from None
    if status == "ok":
        return payload
    if status == "domain":
        raise cast(DomainError, payload)
    if status == "memory":
        raise ChildFailed(FailureKind.MEMORY, f"ran out of memory ({payload})")
    raise ChildFailed(FailureKind.ERROR, f"failed: {payload}")


def _killed(number: int) -> ChildFailed:
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number == signal.SIGKILL:
        return ChildFailed(
            FailureKind.CRASH, f"was killed ({name}), perhaps for using too much memory"
        )
    return ChildFailed(FailureKind.CRASH, f"crashed ({name})")
