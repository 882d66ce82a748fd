"""Routes of sharing a video: POST /api/v1/videos/{id}/shares."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.params import FromPath, JSONBody, SkipValidation

from application.auth.results import Principal
from application.social.share_video import ShareVideo, ShareVideoCommand
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.paging import viewer_id
from entrypoints.http.schemas.openapi import OptionalBodyOperation
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.social import ShareIn
from entrypoints.http.security import OPTIONAL_SECURITY

SHARE_BODY_LIMIT = 1024


class VideoSharesController(ApiController):
    """Counting a share of a video."""

    path = "/videos"
    tags = ["videos"]

    @post(
        "/{video_id:uuid}/shares",
        operation_id="shareVideo",
        status_code=204,
        summary="Count a share",
        description=described_by(ShareVideo),
        security=OPTIONAL_SECURITY,
        request_max_body_size=SHARE_BODY_LIMIT,
        operation_class=OptionalBodyOperation,  # the body is optional
        responses=problems(401, 404, json_body=True),
    )
    async def share(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        share_video: SkipValidation[ShareVideo],
        data: JSONBody[ShareIn | None] = None,
    ) -> None:
        address = request.client.host if request.client else "unknown"
        await share_video.execute(
            ShareVideoCommand(
                video_id=video_id, sharer_id=viewer_id(viewer), client_address=address
            )
        )
