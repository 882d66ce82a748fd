"""Routes of a video's likes: PUT and DELETE /api/v1/videos/{id}/like."""

from __future__ import annotations

from uuid import UUID

from litestar import delete, put
from litestar.params import FromPath, SkipValidation

from application.auth.results import Principal
from application.social.like_video import LikeVideo, LikeVideoCommand, UnlikeVideo
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.social import LikeStateOut
from entrypoints.http.security import SECURITY


class VideoLikesController(ApiController):
    """Liking a video and taking the like back."""

    path = "/videos"
    tags = ["videos"]

    @put(
        "/{video_id:uuid}/like",
        operation_id="likeVideo",
        summary="Like a video (idempotent)",
        description=described_by(LikeVideo),
        security=SECURITY,
        responses=problems(401, 404, 415),
    )
    async def like(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        like_video: SkipValidation[LikeVideo],
    ) -> LikeStateOut:
        state = await like_video.execute(
            LikeVideoCommand(user_id=principal.user_id, video_id=video_id)
        )
        return LikeStateOut(liked=state.liked, like_count=state.like_count)

    @delete(
        "/{video_id:uuid}/like",
        operation_id="unlikeVideo",
        status_code=200,
        summary="Take back a like (idempotent)",
        description=described_by(UnlikeVideo),
        security=SECURITY,
        responses=problems(401, 404, 415),
    )
    async def unlike(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        unlike_video: SkipValidation[UnlikeVideo],
    ) -> LikeStateOut:
        state = await unlike_video.execute(
            LikeVideoCommand(user_id=principal.user_id, video_id=video_id)
        )
        return LikeStateOut(liked=state.liked, like_count=state.like_count)
