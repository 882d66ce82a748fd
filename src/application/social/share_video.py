"""Count a share of a video."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.view_deduplicator import ViewDeduplicator

SHARE_WINDOW_SECONDS = 600


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareVideoCommand:
    video_id: UUID
    sharer_id: UUID | None
    client_address: str


class ShareVideo:
    """Count a share of a ready video the sharer can see (404 otherwise): once per sharer (the
    signed-in user, else the client address) per video per 10 minutes, the owner included, like
    views; `shareCount` shows it at once. Only the count is kept (not who shared, nor how)."""

    def __init__(self, uow: UnitOfWorkFactory, seen: ViewDeduplicator) -> None:
        self._uow = uow
        self._seen = seen

    async def execute(self, command: ShareVideoCommand) -> None:
        sharer = (
            f"user:{command.sharer_id}" if command.sharer_id else f"addr:{command.client_address}"
        )
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.sharer_id)
        if not await self._seen.first_in_window(f"share:{video.id}:{sharer}", SHARE_WINDOW_SECONDS):
            return
        async with self._uow() as uow:
            await uow.videos.add_share(video.id)
            await uow.commit()
