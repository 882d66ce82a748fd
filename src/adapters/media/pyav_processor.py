"""The `MediaProcessor` on PyAV (FFmpeg inside the wheel, x264 for H.264), one child per call."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from adapters.media.encoder_settings import X264Settings
from adapters.media.isolation import ChildFailed, ChildLimits, run_in_child
from application.ports.media_processor import (
    MediaProcessingFailed,
    MediaProcessor,
    PosterImage,
    ProcessedMedia,
    ProcessingPlan,
)
from domain.media import MediaInfo

WORKSPACE_PREFIX = "clipstream-media-"
T = TypeVar("T")


_WORK = "adapters.media.pyav_work"


@dataclass(frozen=True, slots=True)
class MediaWork:
    """The module-level functions a child runs: PyAV's (named, so that this process never imports
    PyAV), or (in tests) ones that hang or crash."""

    probe: Callable[[Path], MediaInfo] | str = f"{_WORK}:probe"
    process: Callable[[Path, Path, ProcessingPlan, X264Settings], ProcessedMedia] | str = (
        f"{_WORK}:process_file"
    )
    poster_at: Callable[[Path, Path, float], PosterImage] | str = f"{_WORK}:poster_at_file"


@dataclass(frozen=True, slots=True)
class MediaLimits:
    """What one processing child may use: wall-clock seconds and address-space bytes."""

    timeout_seconds: float
    memory_bytes: int | None
    probe_timeout_seconds: float = 60.0


class PyAvMediaProcessor(MediaProcessor):
    """Runs each probe, processing and poster extraction in a fresh child process under limits.

    Workspaces are temporary directories under `scratch_dir` (the system's temporary directory by
    default), removed whatever happens; ones left by a worker that was killed are removed by the
    next worker once they are older than any attempt can last.
    """

    def __init__(
        self,
        limits: MediaLimits,
        x264: X264Settings | None = None,
        *,
        scratch_dir: Path | None = None,
        work: MediaWork | None = None,
    ) -> None:
        self._limits = limits
        self._x264 = x264 or X264Settings()
        self._scratch_dir = scratch_dir
        self._work = work or MediaWork()
        self._swept = False

    @contextlib.asynccontextmanager
    async def workspace(self) -> AsyncIterator[Path]:
        if not self._swept:
            self._swept = True
            await asyncio.to_thread(self._sweep_stale)
        path = Path(
            await asyncio.to_thread(
                tempfile.mkdtemp, prefix=WORKSPACE_PREFIX, dir=self._scratch_dir
            )
        )
        try:
            yield path
        finally:
            await asyncio.to_thread(shutil.rmtree, path, True)

    async def probe(self, source: Path) -> MediaInfo:
        limits = ChildLimits(
            min(self._limits.timeout_seconds, self._limits.probe_timeout_seconds),
            self._limits.memory_bytes,
        )
        return await self._run(limits, self._work.probe, source)

    async def process(self, source: Path, output_dir: Path, plan: ProcessingPlan) -> ProcessedMedia:
        limits = ChildLimits(self._limits.timeout_seconds, self._limits.memory_bytes)
        return await self._run(limits, self._work.process, source, output_dir, plan, self._x264)

    async def poster_at(self, source: Path, output_dir: Path, at_seconds: float) -> PosterImage:
        limits = ChildLimits(self._limits.timeout_seconds, self._limits.memory_bytes)
        return await self._run(limits, self._work.poster_at, source, output_dir, at_seconds)

    @staticmethod
    async def _run(limits: ChildLimits, function: Callable[..., T] | str, *args: object) -> T:
        try:
            return await run_in_child(function, *args, limits=limits)
        except ChildFailed as failed:
            raise MediaProcessingFailed(f"The processing step {failed}.") from failed

    def _sweep_stale(self) -> None:
        """Remove workspaces older than twice the time limit (their attempt was stopped long ago)."""
        root = Path(self._scratch_dir or tempfile.gettempdir())
        oldest = time.time() - 2 * self._limits.timeout_seconds - 60
        with contextlib.suppress(OSError):
            for path in root.glob(f"{WORKSPACE_PREFIX}*"):
                with contextlib.suppress(OSError):
                    if path.is_dir() and path.stat().st_mtime < oldest:
                        shutil.rmtree(path, ignore_errors=True)
