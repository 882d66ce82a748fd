"""The child side of `isolation`: `python -I -m adapters.media.child`, fed on standard input.

It reads a `ChildSetup` and then the pickled `(function, args)`, applies its limits before loading
anything else, runs the function and writes the pickled outcome to its original standard output.
Anything the work itself prints goes to standard error, so that it cannot garble the answer.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib
import os
import pickle
import resource
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1


def _end_with_parent(deadline_seconds: int) -> None:
    """Die with the parent (Linux), and in any case after `deadline_seconds` (SIGALRM)."""
    signal.alarm(deadline_seconds)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the line above took effect
        os._exit(1)


def _apply_limits(memory_bytes: int | None, niceness: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)


def _outcome() -> tuple[str, Any]:
    from domain.errors import DomainError

    try:
        function, args = pickle.load(sys.stdin.buffer)  # noqa: S301 - sent by our parent
        if isinstance(function, str):  # "package.module:function"
            module, _, name = function.partition(":")
            function = getattr(importlib.import_module(module), name)
        return "ok", function(*args)
    except DomainError as error:
        return "domain", error
    except MemoryError as error:
        return "memory", str(error) or "no memory left under the limit"
    except BaseException as error:  # report anything else rather than die unexplained
        return "error", f"{type(error).__name__}: {error}"


def main() -> int:
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    setup = pickle.load(sys.stdin.buffer)  # noqa: S301 - sent by our parent
    sys.path[:] = setup.sys_path
    _end_with_parent(setup.deadline_seconds)
    _apply_limits(setup.memory_bytes, setup.niceness)
    message = _outcome()
    try:
        data = pickle.dumps(message)
    except Exception as error:  # an unpicklable result or error
        data = pickle.dumps(("error", f"the result could not be sent back: {error}"))
    with answer:
        answer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
