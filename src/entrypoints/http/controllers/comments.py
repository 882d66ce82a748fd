"""Routes of comments: /api/v1/comments."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import delete, get, patch, put
from litestar.params import FromPath, JSONBody, SkipValidation

from application.auth.results import Principal
from application.social.delete_comment import DeleteComment, DeleteCommentCommand
from application.social.edit_comment import EditComment, EditCommentCommand
from application.social.like_comment import LikeComment, LikeCommentCommand, UnlikeComment
from application.social.read_comments import CommentListQuery, GetComment, ListReplies
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit, audience, viewer_id
from entrypoints.http.schemas.comments import (
    CommentOut,
    CommentPageOut,
    EditCommentIn,
    comment_out,
)
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.social import LikeStateOut
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY


class CommentsController(ApiController):
    """Comments and replies."""

    path = "/comments"
    tags = ["comments"]

    @get(
        "/{comment_id:uuid}",
        operation_id="getComment",
        summary="A comment",
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def get_comment(
        self,
        comment_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        get_comment: SkipValidation[GetComment],
    ) -> CommentOut:
        looking = audience(viewer)
        return comment_out(await get_comment.execute(comment_id, looking), looking)

    @patch(
        "/{comment_id:uuid}",
        operation_id="editComment",
        summary="Edit a comment",
        description=described_by(EditComment),
        security=SECURITY,
        responses=problems(401, 403, 404, json_body=True),
    )
    async def edit_comment(
        self,
        comment_id: FromPath[UUID],
        data: JSONBody[EditCommentIn],
        principal: SkipValidation[Principal],
        edit_comment: SkipValidation[EditComment],
    ) -> CommentOut:
        view = await edit_comment.execute(
            EditCommentCommand(user_id=principal.user_id, comment_id=comment_id, body=data.body)
        )
        return comment_out(view, audience(principal))

    @delete(
        "/{comment_id:uuid}",
        operation_id="deleteComment",
        status_code=204,
        summary="Delete a comment and its replies",
        description=described_by(DeleteComment),
        security=SECURITY,
        responses=problems(401, 403, 404, 415),
    )
    async def delete_comment(
        self,
        comment_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        delete_comment: SkipValidation[DeleteComment],
    ) -> None:
        await delete_comment.execute(
            DeleteCommentCommand(user_id=principal.user_id, comment_id=comment_id)
        )

    @get(
        "/{comment_id:uuid}/replies",
        operation_id="listReplies",
        summary="Replies to a comment, oldest first",
        description=described_by(ListReplies),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def list_replies(
        self,
        comment_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        list_replies: SkipValidation[ListReplies],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> CommentPageOut:
        page = await list_replies.execute(
            CommentListQuery(
                target_id=comment_id,
                limit=limit,
                after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
                viewer_id=viewer_id(viewer),
            )
        )
        return CommentPageOut(
            items=[comment_out(v, audience(viewer)) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )

    @put(
        "/{comment_id:uuid}/like",
        operation_id="likeComment",
        summary="Like a comment (idempotent)",
        security=SECURITY,
        responses=problems(401, 404, 415),
    )
    async def like(
        self,
        comment_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        like_comment: SkipValidation[LikeComment],
    ) -> LikeStateOut:
        state = await like_comment.execute(
            LikeCommentCommand(user_id=principal.user_id, comment_id=comment_id)
        )
        return LikeStateOut(liked=state.liked, like_count=state.like_count)

    @delete(
        "/{comment_id:uuid}/like",
        operation_id="unlikeComment",
        status_code=200,
        summary="Take back a like of a comment (idempotent)",
        security=SECURITY,
        responses=problems(401, 404, 415),
    )
    async def unlike(
        self,
        comment_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        unlike_comment: SkipValidation[UnlikeComment],
    ) -> LikeStateOut:
        state = await unlike_comment.execute(
            LikeCommentCommand(user_id=principal.user_id, comment_id=comment_id)
        )
        return LikeStateOut(liked=state.liked, like_count=state.like_count)
