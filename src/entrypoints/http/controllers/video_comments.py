"""Routes of a video's comments: GET and POST /api/v1/videos/{id}/comments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter, SkipValidation

from application.auth.results import Principal
from application.common.idempotency import IdempotentRequests, fingerprint
from application.ports.idempotency_store import StoredResponse
from application.social.create_comment import CreateComment, CreateCommentCommand
from application.social.read_comments import CommentsAfter, ListComments, VideoCommentsQuery
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.idempotency import IdempotencyKey
from entrypoints.http.paging import Cursor, Limit, audience, viewer_id
from entrypoints.http.schemas.comments import (
    CommentOut,
    CommentPageOut,
    CreateCommentIn,
    comment_out,
)
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY

CommentKeyShape = tuple[datetime, UUID]
TopKeyShape = tuple[int, datetime, UUID]


class VideoCommentsController(ApiController):
    """A video's top-level comments, and commenting (or replying) on it."""

    path = "/videos"
    tags = ["videos"]

    @get(
        "/{video_id:uuid}/comments",
        operation_id="listComments",
        summary="A video's top-level comments: the pinned one, then newest (or top) first",
        description=described_by(ListComments),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def list_comments(
        self,
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        list_comments: SkipValidation[ListComments],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
        sort: Annotated[
            Literal["newest", "top"],
            QueryParameter(
                description="`newest` first, or `top`: most liked first, then newest. The "
                "pinned comment comes first in either."
            ),
        ] = "newest",
    ) -> CommentPageOut:
        # The cursor carries the position in its own order (null: just past the pinned comment).
        shape = TopKeyShape if sort == "top" else CommentKeyShape
        page = await list_comments.execute(
            VideoCommentsQuery(
                video_id=video_id,
                limit=limit,
                sort=sort,
                after=CommentsAfter(cursors.decode(cursor, shape | None)) if cursor else None,
                viewer_id=viewer_id(viewer),
            )
        )
        return CommentPageOut(
            items=[comment_out(v, audience(viewer)) for v in page.items],
            next_cursor=cursors.encode(page.next_key.key) if page.next_key else None,
        )

    @post(
        "/{video_id:uuid}/comments",
        operation_id="createComment",
        status_code=201,
        summary="Comment on a video, or reply",
        description=described_by(CreateComment),
        security=SECURITY,
        responses=problems(401, 404, 409, json_body=True),
    )
    async def create_comment(
        self,
        video_id: FromPath[UUID],
        data: JSONBody[CreateCommentIn],
        principal: SkipValidation[Principal],
        create_comment: SkipValidation[CreateComment],
        idempotency: SkipValidation[IdempotentRequests],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[CommentOut]:
        async def act() -> StoredResponse:
            view = await create_comment.execute(
                CreateCommentCommand(
                    author_id=principal.user_id,
                    video_id=video_id,
                    body=data.body,
                    parent_id=data.parent_id,
                )
            )
            return StoredResponse(201, msgspec.json.encode(comment_out(view, audience(principal))))

        if idempotency_key is None:
            stored = await act()
        else:
            stored = await idempotency.run(
                f"{principal.user_id}:comment:{video_id}",
                idempotency_key,
                fingerprint(msgspec.json.encode(data)),
                act,
            )
        return Response(stored.body, status_code=stored.status_code, media_type="application/json")  # type: ignore[arg-type]
