"""The seeded objects: the sample clip at every video's own storage key (with its processed files,
and the users' avatars: see `media`), stored in the background while the rows load, and removed
again if the run does not complete."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Protocol

from application.ports.object_storage import ObjectStorage
from entrypoints.seed.generate import CONTENT_TYPE
from entrypoints.seed.media import ObjectCopies
from entrypoints.seed.progress import Reporter

BATCH = 1000  # keys per `copy_many` / `delete_many` call


async def check_storage(storage: ObjectStorage, sample: bytes) -> None:
    """Fail early, before any work, when the storage does not take objects."""
    key = f"seed/check-{secrets.token_hex(4)}.mp4"
    try:
        await storage.put(key, sample, content_type=CONTENT_TYPE)
    finally:
        await storage.delete(key)


class StorageBatches(Protocol):
    """Where the batches go: the storage itself, or a child process working on it."""

    async def copy_many(self, source_key: str, target_keys: Sequence[str]) -> None: ...

    async def delete_many(self, keys: Sequence[str]) -> None: ...


class SeedFiles:
    """Stores each of `copies` once under `seed/`, then copies it to the key of each of its owners,
    a batch at a time (a local storage makes hard links, S3 server-side copies), in a task of its
    own; the batches go to `batches` (default: the storage itself).

    It knows what it wrote: `remove` deletes exactly that, waiting first for a batch under way.
    """

    def __init__(
        self,
        storage: ObjectStorage,
        copies: Sequence[ObjectCopies],
        reporter: Reporter,
        *,
        batches: StorageBatches | None = None,
    ) -> None:
        self._storage = storage
        self._batches: StorageBatches = batches or storage
        self._copies = copies
        self._reporter = reporter
        run = secrets.token_hex(4)
        self._originals = [f"seed/{run}-{index}" for index in range(len(copies))]
        self._stored = 0  # the originals before this index may be stored
        self._reached = [0] * len(copies)  # per original: the owners before this index have a copy
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._write(), name="clipstream-seed-files")

    async def finished(self) -> None:
        """Wait until every owner has its copies (raises what the storage raised)."""
        assert self._task is not None
        await self._task

    def keys_written(self) -> list[str]:
        """The keys this run may have written so far."""
        keys = [
            key
            for copies, reached in zip(self._copies, self._reached, strict=True)
            for key in copies.keys(0, reached)
        ]
        return [*keys, *self._originals[: self._stored]]

    async def remove(self) -> None:
        """Stop, then delete every object this run wrote (the batch under way ends first).

        If this is cancelled or the storage fails, `keys_written` still lists what is left.
        """
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await self._task
        keys = self.keys_written()
        if not keys:
            return
        with self._reporter.phase("removing files", len(keys)) as phase:
            for index, copies in enumerate(self._copies):
                while reached := self._reached[index]:
                    start = max(0, reached - BATCH)
                    batch = copies.keys(start, reached)
                    await self._batches.delete_many(batch)
                    self._reached[index] = start
                    phase.advance(len(batch))
            while self._stored:
                await self._storage.delete(self._originals[self._stored - 1])
                self._stored -= 1
                phase.advance()

    async def _write(self) -> None:
        total = sum(len(copies.owners) for copies in self._copies)
        with self._reporter.phase("video files", total) as phase:
            for index, copies in enumerate(self._copies):
                original = self._originals[index]
                self._stored = index + 1  # set first: a cancelled put may still land
                await self._shielded(
                    self._storage.put(original, copies.data, content_type=copies.content_type)
                )
                for start in range(0, len(copies.owners), BATCH):
                    batch = copies.keys(start, start + BATCH)
                    self._reached[index] = start + len(batch)
                    await self._shielded(self._batches.copy_many(original, batch))
                    phase.advance(len(batch))
            while self._stored:
                await self._storage.delete(self._originals[self._stored - 1])
                self._stored -= 1

    @staticmethod
    async def _shielded(work: Awaitable[None]) -> None:
        """Await `work`; when cancelled meanwhile, let it end first (a storage call runs in a
        thread that cancelling does not stop), then go on with the cancellation."""
        future = asyncio.ensure_future(work)
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await future
            raise


def write_leftovers(keys: Sequence[str]) -> Path:
    """Write `keys` (one a line) to a new file in the temporary directory; returns its path."""
    handle, name = tempfile.mkstemp(prefix="clipstream-seed-leftovers-", suffix=".txt")
    with open(handle, "w", encoding="utf-8") as file:
        file.writelines(f"{key}\n" for key in keys)
    return Path(name)


def read_key_list(path: Path) -> list[str]:
    """The keys listed in a file written by `write_leftovers` (blank lines ignored)."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
