"""Routes of a video's views: POST /api/v1/videos/{id}/views."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, post
from litestar.params import FromPath, JSONBody, SkipValidation
from msgspec import Meta

from application.auth.results import Principal
from application.social.record_view import RecordView, RecordViewCommand
from domain.watching import MAX_WATCHED_MS
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.paging import viewer_id
from entrypoints.http.schemas.openapi import OptionalBodyOperation
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.security import OPTIONAL_SECURITY

VIEW_BODY_LIMIT = 1024


class RecordViewIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """How the viewing went; both optional."""

    watched_ms: Annotated[int, Meta(ge=0, le=MAX_WATCHED_MS)] | None = None
    completed: bool | None = None


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
        request_max_body_size=VIEW_BODY_LIMIT,
        operation_class=OptionalBodyOperation,  # the body is optional
        responses=problems(401, 404, json_body=True),
    )
    async def record_view(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        record_view: SkipValidation[RecordView],
        data: JSONBody[RecordViewIn | None] = None,
    ) -> None:
        address = request.client.host if request.client else "unknown"
        await record_view.execute(
            RecordViewCommand(
                video_id=video_id,
                viewer_id=viewer_id(viewer),
                client_address=address,
                watched_ms=data.watched_ms if data else None,
                completed=data.completed if data else None,
            )
        )
