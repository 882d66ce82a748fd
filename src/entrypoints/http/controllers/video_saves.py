"""Routes of saving a video: PUT and DELETE /api/v1/videos/{id}/save."""

from __future__ import annotations

from uuid import UUID

from litestar import delete, put
from litestar.params import FromPath, SkipValidation

from application.auth.results import Principal
from application.social.save_video import SaveVideo, SaveVideoCommand, UnsaveVideo
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.social import SaveStateOut
from entrypoints.http.security import SECURITY


class VideoSavesController(ApiController):
    """Saving a video to watch later, and taking the save back."""

    path = "/videos"
    tags = ["videos"]

    @put(
        "/{video_id:uuid}/save",
        operation_id="saveVideo",
        summary="Save a video (idempotent; private to you)",
        description=described_by(SaveVideo),
        security=SECURITY,
        responses=problems(401, 404, 415),
    )
    async def save(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        save_video: SkipValidation[SaveVideo],
    ) -> SaveStateOut:
        state = await save_video.execute(
            SaveVideoCommand(user_id=principal.user_id, video_id=video_id)
        )
        return SaveStateOut(saved=state.saved)

    @delete(
        "/{video_id:uuid}/save",
        operation_id="unsaveVideo",
        status_code=200,
        summary="Take back a save (idempotent)",
        description=described_by(UnsaveVideo),
        security=SECURITY,
        responses=problems(401, 404, 415),
    )
    async def unsave(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        unsave_video: SkipValidation[UnsaveVideo],
    ) -> SaveStateOut:
        state = await unsave_video.execute(
            SaveVideoCommand(user_id=principal.user_id, video_id=video_id)
        )
        return SaveStateOut(saved=state.saved)
