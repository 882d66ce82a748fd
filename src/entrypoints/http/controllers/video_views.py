"""Routes of a video's views: POST /api/v1/videos/{id}/views."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.params import FromPath, SkipValidation

from application.auth.results import Principal
from application.social.record_view import RecordView, RecordViewCommand
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.paging import viewer_id
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.security import OPTIONAL_SECURITY


class VideoViewsController(ApiController):
    """Counting a view of a video."""

    path = "/videos"
    tags = ["videos"]

    @post(
        "/{video_id:uuid}/views",
        operation_id="recordView",
        status_code=204,
        summary="Count a view",
        description=described_by(RecordView),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404, 415),
    )
    async def record_view(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        record_view: SkipValidation[RecordView],
    ) -> None:
        address = request.client.host if request.client else "unknown"
        await record_view.execute(
            RecordViewCommand(
                video_id=video_id, viewer_id=viewer_id(viewer), client_address=address
            )
        )
