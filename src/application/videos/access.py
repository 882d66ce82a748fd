"""Reading one video as a given viewer."""

from __future__ import annotations

from uuid import UUID

from application.ports.videos import VideoQueries, VideoView
from domain.errors import NotFound


async def visible_view(queries: VideoQueries, video_id: UUID, viewer_id: UUID | None) -> VideoView:
    """The video as `viewer_id` sees it; NotFound when it does not exist or is hidden from them."""
    view = await queries.get_view(video_id, viewer_id)
    if view is None or not view.video.is_visible_to(viewer_id):
        raise NotFound("No such video.")
    return view
