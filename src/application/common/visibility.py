"""Who may see what: the rules every read and write of videos and comments goes through."""

from __future__ import annotations

from uuid import UUID

from application.ports.unit_of_work import UnitOfWork
from application.ports.video_queries import VideoQueries, VideoView
from domain.comments import Comment
from domain.errors import Forbidden, NotFound
from domain.videos import Video, VideoStatus


async def visible_view(queries: VideoQueries, video_id: UUID, viewer_id: UUID | None) -> VideoView:
    """The video as `viewer_id` sees it; NotFound when it does not exist or is hidden from them."""
    view = await queries.get_view(video_id, viewer_id)
    if view is None or not view.video.is_visible_to(viewer_id):
        raise NotFound("No such video.")
    return view


async def likeable_video(uow: UnitOfWork, video_id: UUID, user_id: UUID | None) -> Video:
    """A ready video the user can see (404 otherwise: hidden and unfinished videos look absent)."""
    video = await uow.videos.get(video_id)
    if video is None or not video.is_visible_to(user_id) or video.status is not VideoStatus.READY:
        raise NotFound("No such video.")
    return video


async def visible_comment(uow: UnitOfWork, comment_id: UUID, viewer_id: UUID | None) -> Comment:
    """A comment on a video the viewer can see (404 otherwise)."""
    comment = await uow.comments.get(comment_id)
    video = await uow.videos.get(comment.video_id) if comment else None
    if comment is None or video is None or not video.is_visible_to(viewer_id):
        raise NotFound("No such comment.")
    return comment


async def owned_video(uow: UnitOfWork, video_id: UUID, user_id: UUID) -> Video:
    """The video if `user_id` owns it; 404 if they cannot see it, 403 if they can but don't own it."""
    video = await uow.videos.get(video_id)
    if video is None or not video.is_visible_to(user_id):
        raise NotFound("No such video.")
    if video.owner_id != user_id:
        raise Forbidden("Only the video's owner may do this.")
    return video
