"""Like and unlike videos."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.system import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.errors import NotFound
from domain.ranking import LIKE_POINTS
from domain.videos import Video, VideoStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class LikeVideoCommand:
    user_id: UUID
    video_id: UUID


@dataclass(frozen=True, slots=True)
class LikeState:
    """Whether the caller now likes the target, and its like count."""

    liked: bool
    like_count: int


async def likeable_video(uow: UnitOfWork, video_id: UUID, user_id: UUID | None) -> Video:
    """A ready video the user can see (404 otherwise: hidden and unfinished videos look absent)."""
    video = await uow.videos.get(video_id)
    if video is None or not video.is_visible_to(user_id) or video.status is not VideoStatus.READY:
        raise NotFound("No such video.")
    return video


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
                await uow.videos.add_to_counters(video.id, likes=1, points=LIKE_POINTS)
                await uow.users.add_to_counters(video.owner_id, likes=1)
            count = await _like_count(uow, video.id)
            await uow.commit()
        return LikeState(liked=True, like_count=count)


class UnlikeVideo:
    """Take back a like. Idempotent: unliking again changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: LikeVideoCommand) -> LikeState:
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.user_id)
            if await uow.likes.unlike_video(command.user_id, video.id):
                await uow.videos.add_to_counters(video.id, likes=-1)
                await uow.users.add_to_counters(video.owner_id, likes=-1)
            count = await _like_count(uow, video.id)
            await uow.commit()
        return LikeState(liked=False, like_count=count)
