"""Feedback on a For You item: not interested."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory

NOT_INTERESTED = "not_interested"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedFeedbackCommand:
    user_id: UUID
    video_id: UUID
    kind: str = NOT_INTERESTED


class GiveFeedFeedback:
    """`not_interested`: the video never again in your For You (from your next page on); saying
    it again changes nothing. The video must be one you can see (404 otherwise)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: FeedFeedbackCommand) -> None:
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.user_id)
            await uow.watches.mark_not_interested(command.user_id, video.id, self._clock.now())
            await uow.commit()
