"""Save videos to watch later, and take a save back."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class SaveVideoCommand:
    user_id: UUID
    video_id: UUID


@dataclass(frozen=True, slots=True)
class SaveState:
    """Whether the caller now has the video saved."""

    saved: bool


class SaveVideo:
    """Save a ready video you can see (404 otherwise). Idempotent: saving again changes nothing
    (the save keeps its first time). Saves are private to the saver: nobody else sees them."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: SaveVideoCommand) -> SaveState:
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.user_id)
            await uow.saves.save(command.user_id, video.id, self._clock.now())
            await uow.commit()
        return SaveState(saved=True)


class UnsaveVideo:
    """Take back a save. Idempotent: unsaving again changes nothing. Taking back your own save
    always works, even on a video that has since become hidden from you; a video you cannot see
    and have not saved is 404."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: SaveVideoCommand) -> SaveState:
        async with self._uow() as uow:
            if not await uow.saves.unsave(command.user_id, command.video_id):
                await likeable_video(uow, command.video_id, command.user_id)
            await uow.commit()
        return SaveState(saved=False)
