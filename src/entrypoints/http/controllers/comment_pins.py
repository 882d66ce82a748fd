"""Routes of pinning a comment: PUT and DELETE /api/v1/comments/{id}/pin."""

from __future__ import annotations

from uuid import UUID

from litestar import delete, put
from litestar.params import FromPath, SkipValidation

from application.auth.results import Principal
from application.social.pin_comment import PinComment, PinCommentCommand, UnpinComment
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.paging import audience
from entrypoints.http.schemas.comments import CommentOut, comment_out
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.security import SECURITY


class CommentPinsController(ApiController):
    """Pinning a comment to the top of your video's comments, and unpinning it."""

    path = "/comments"
    tags = ["comments"]

    @put(
        "/{comment_id:uuid}/pin",
        operation_id="pinComment",
        summary="Pin a comment of your video (idempotent)",
        description=described_by(PinComment),
        security=SECURITY,
        responses=problems(401, 403, 404, 415, 422),
    )
    async def pin(
        self,
        comment_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        pin_comment: SkipValidation[PinComment],
    ) -> CommentOut:
        view = await pin_comment.execute(
            PinCommentCommand(user_id=principal.user_id, comment_id=comment_id)
        )
        return comment_out(view, audience(principal))

    @delete(
        "/{comment_id:uuid}/pin",
        operation_id="unpinComment",
        status_code=200,
        summary="Unpin a comment of your video (idempotent)",
        description=described_by(UnpinComment),
        security=SECURITY,
        responses=problems(401, 403, 404, 415, 422),
    )
    async def unpin(
        self,
        comment_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        unpin_comment: SkipValidation[UnpinComment],
    ) -> CommentOut:
        view = await unpin_comment.execute(
            PinCommentCommand(user_id=principal.user_id, comment_id=comment_id)
        )
        return comment_out(view, audience(principal))
