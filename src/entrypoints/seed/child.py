"""The seed's storage batches in a child process of their own.

Storing a file per video is many short system calls; in a thread of the seed's process each one
would queue for the interpreter lock behind the row generation (and slow it down in turn). A child
process has its own: the files and the rows then progress side by side, one core each.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from application.errors import DependencyUnavailable
from application.ports.object_storage import ObjectStorage, StorageError
from entrypoints.composition.seed import build_seed_storage
from entrypoints.config import Settings


class _InChild:
    """The child's event loop and storage (set by `_start`)."""

    loop: asyncio.AbstractEventLoop
    storage: ObjectStorage


_CHILD = _InChild()


class ChildProcessStorage:
    """`copy_many` and `delete_many` of the storage of `settings`, run by a child process (one
    batch at a time; a batch under way always ends, even when its caller is cancelled)."""

    def __init__(self, settings: Settings) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(settings,),
        )

    async def copy_many(self, source_key: str, target_keys: Sequence[str]) -> None:
        await self._run(_copy_many, source_key, list(target_keys))

    async def delete_many(self, keys: Sequence[str]) -> None:
        await self._run(_delete_many, list(keys))

    def close(self) -> None:
        """Let the batch under way end, start no other, and stop the child."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    async def _run(self, function: Callable[..., str | None], *args: object) -> None:
        try:
            failure = await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        except BrokenProcessPool as error:
            raise StorageError("the process storing the files stopped") from error
        if failure == _UNAVAILABLE:
            raise DependencyUnavailable("storage")
        if failure is not None:
            raise StorageError(failure)


_UNAVAILABLE = "unavailable"


def _start(settings: Settings) -> None:
    """In the child: ignore Ctrl-C (a terminal sends it to the whole process group; the parent
    decides), and build the storage once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _CHILD.loop = asyncio.new_event_loop()
    _CHILD.storage = build_seed_storage(settings)


def _copy_many(source_key: str, target_keys: list[str]) -> str | None:
    return _outcome(_CHILD.storage.copy_many(source_key, target_keys))


def _delete_many(keys: list[str]) -> str | None:
    return _outcome(_CHILD.storage.delete_many(keys))


def _outcome(work: Coroutine[Any, Any, None]) -> str | None:
    """None, or what failed (errors go back as text: not every port error can be pickled)."""
    try:
        _CHILD.loop.run_until_complete(work)
    except DependencyUnavailable:
        return _UNAVAILABLE
    except StorageError as error:
        return str(error) or type(error).__name__
    return None
