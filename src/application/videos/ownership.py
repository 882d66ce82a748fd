"""Loading a video for an operation only its owner may do."""

from __future__ import annotations

from uuid import UUID

from application.ports.unit_of_work import UnitOfWork
from domain.errors import Forbidden, NotFound
from domain.videos import Video


async def owned_video(uow: UnitOfWork, video_id: UUID, user_id: UUID) -> Video:
    """The video if `user_id` owns it; 404 if they cannot see it, 403 if they can but don't own it."""
    video = await uow.videos.get(video_id)
    if video is None or not video.is_visible_to(user_id):
        raise NotFound("No such video.")
    if video.owner_id != user_id:
        raise Forbidden("Only the video's owner may do this.")
    return video
