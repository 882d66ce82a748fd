"""After the last failed attempt of the `media` job."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.videos.process_video import PROCESSING_FAILED, fail_video


@dataclass(frozen=True, slots=True, kw_only=True)
class FailProcessingCommand:
    video_id: UUID
    error: str  # what the last attempt raised (for the logs, never shown to the owner)


class FailProcessing:
    """A video whose processing failed every attempt (crashed, hung past the time limit, ran out
    of memory) becomes `failed` with the reason "processing failed", and its files are deleted:
    processing is never retried forever. A video no longer `processing` is left as it is."""

    def __init__(self, uow: UnitOfWorkFactory, cleanup: StorageCleanup, clock: Clock) -> None:
        self._uow = uow
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: FailProcessingCommand) -> None:
        await fail_video(self._uow, self._cleanup, self._clock, command.video_id, PROCESSING_FAILED)
