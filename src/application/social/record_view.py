"""Count a view of a video, and keep a signed-in viewer's watch time and completion."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.view_deduplicator import ViewDeduplicator
from domain.errors import ValidationFailed
from domain.ranking import engagement_points
from domain.watching import MAX_WATCHED_MS, Watch, view_hour

VIEW_WINDOW_SECONDS = 600


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordViewCommand:
    video_id: UUID
    viewer_id: UUID | None
    client_address: str
    watched_ms: int | None = None
    completed: bool | None = None


class RecordView:
    """Count a view of a ready video the viewer can see: once per viewer (the signed-in user, else
    the client address) per video per 10 minutes, the owner included. `viewCount` shows it at once,
    and the view counts for trending hashtags in the hour it happened.

    `watchedMs` (0..86,400,000: how long this viewing lasted, loops included) and `completed`
    (watched to the end) are optional. For a signed-in viewer they replace their previous watch of
    the video whether or not the view is counted again (a client may report at the start and again
    at the end), and feed their For You: a completed or long watch counts for the creator and the
    hashtags, a watch under 2 s that did not complete is a skip. Watches are kept 30 days.
    Anonymous viewers' watch times are accepted and not kept."""

    def __init__(self, uow: UnitOfWorkFactory, seen: ViewDeduplicator, clock: Clock) -> None:
        self._uow = uow
        self._seen = seen
        self._clock = clock

    async def execute(self, command: RecordViewCommand) -> None:
        watched_ms = command.watched_ms
        if watched_ms is not None and not 0 <= watched_ms <= MAX_WATCHED_MS:
            raise ValidationFailed.single("watchedMs", f"must be 0..{MAX_WATCHED_MS} milliseconds")
        viewer = (
            f"user:{command.viewer_id}" if command.viewer_id else f"addr:{command.client_address}"
        )
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.viewer_id)
        counted = await self._seen.first_in_window(f"{video.id}:{viewer}", VIEW_WINDOW_SECONDS)
        signal = command.viewer_id is not None and (
            watched_ms is not None or command.completed is not None
        )
        if not counted and not signal:
            return
        now = self._clock.now()
        async with self._uow() as uow:
            if counted:
                await uow.videos.add_to_counters(
                    video.id, views=1, points=engagement_points(views=1)
                )
                await uow.watches.count_view(video.id, view_hour(now))
            if signal and command.viewer_id is not None:
                await uow.watches.record_watch(
                    Watch(
                        user_id=command.viewer_id,
                        video_id=video.id,
                        watched_at=now,
                        watched_ms=watched_ms,
                        completed=command.completed,
                    )
                )
            await uow.commit()
