"""Count a view of a video."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.view_deduplicator import ViewDeduplicator
from domain.ranking import engagement_points

VIEW_WINDOW_SECONDS = 600


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordViewCommand:
    video_id: UUID
    viewer_id: UUID | None
    client_address: str


class RecordView:
    """Count a view of a ready video the viewer can see: once per viewer (the signed-in user, else
    the client address) per video per 10 minutes, the owner included. `viewCount` shows it at once."""

    def __init__(self, uow: UnitOfWorkFactory, seen: ViewDeduplicator) -> None:
        self._uow = uow
        self._seen = seen

    async def execute(self, command: RecordViewCommand) -> None:
        viewer = (
            f"user:{command.viewer_id}" if command.viewer_id else f"addr:{command.client_address}"
        )
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.viewer_id)
        if not await self._seen.first_in_window(f"{video.id}:{viewer}", VIEW_WINDOW_SECONDS):
            return
        async with self._uow() as uow:
            await uow.videos.add_to_counters(video.id, views=1, points=engagement_points(views=1))
            await uow.commit()
