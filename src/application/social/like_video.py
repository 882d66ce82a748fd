"""Like and unlike videos."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.social.like_state import LikeState
from domain.errors import NotFound
from domain.ranking import engagement_points


@dataclass(frozen=True, slots=True, kw_only=True)
class LikeVideoCommand:
    user_id: UUID
    video_id: UUID


async def _like_count(uow: UnitOfWork, video_id: UUID) -> int:
    video = await uow.videos.get(video_id)
    return 0 if video is None else video.like_count


class LikeVideo:
    """Like a ready video you can see. Idempotent: liking again changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: LikeVideoCommand) -> LikeState:
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.user_id)
            if await uow.likes.like_video(command.user_id, video.id, self._clock.now()):
                await uow.videos.add_to_counters(
                    video.id, likes=1, points=engagement_points(likes=1)
                )
                await uow.users.add_to_counters(video.owner_id, likes=1)
            count = await _like_count(uow, video.id)
            await uow.commit()
        return LikeState(liked=True, like_count=count)


class UnlikeVideo:
    """Take back a like. Idempotent: unliking again changes nothing. Taking back your own like
    always works, even on a video since hidden from you (blocked, removed, made private); without
    a like of yours, a video you cannot see is 404."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: LikeVideoCommand) -> LikeState:
        async with self._uow() as uow:
            video = await uow.videos.get(command.video_id)
            if video is None:
                raise NotFound("No such video.")
            if not await uow.likes.unlike_video(command.user_id, video.id):
                await likeable_video(uow, command.video_id, command.user_id)
            else:
                await uow.videos.add_to_counters(video.id, likes=-1)
                await uow.users.add_to_counters(video.owner_id, likes=-1)
            count = await _like_count(uow, video.id)
            await uow.commit()
        return LikeState(liked=False, like_count=count)
