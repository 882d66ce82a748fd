"""The one check behind every playback route: a ready video the viewer may see."""

from __future__ import annotations

from uuid import UUID

from application.common.visibility import Viewer, visible_view
from application.ports.video_queries import VideoQueries
from domain.errors import NotFound
from domain.videos import Video, VideoStatus


async def playable_video(
    queries: VideoQueries, video_id: UUID, viewer: Viewer | UUID | None
) -> Video:
    """The video if `GET /videos/{id}` would show it to the viewer and it is ready; else NotFound.

    Unfinished videos have nothing to play, even for their owner.
    """
    video = (await visible_view(queries, video_id, viewer)).video
    if video.status is not VideoStatus.READY:
        raise NotFound("The video has nothing to play yet.")
    return video
