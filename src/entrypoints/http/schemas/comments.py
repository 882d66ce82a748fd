"""Structs of comments and replies."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from application.common.visibility import ANONYMOUS, Viewer, shows_moderation
from application.ports.comment_queries import CommentView
from domain.comments import BODY_MAX
from entrypoints.http.schemas.common import (
    CONTROL,
    SPACE,
    Id,
    Timestamp,
    optional_timestamp,
    timestamp,
)
from entrypoints.http.schemas.safety import ModerationOut, moderation_out
from entrypoints.http.schemas.users import UserSummaryOut, summary_out

_TEXT = r"[^\x00-\x08\x0b-\x1f\x7f]*"  # no control characters but tab and line feed
Body = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=BODY_MAX,
        # Something besides whitespace: the body is trimmed, and must not end up empty.
        pattern=rf"^{_TEXT}[^{SPACE}{CONTROL}]{_TEXT}$",
        description=f"1..{BODY_MAX} characters after trimming; no control characters but tab and "
        "line feed.",
    ),
]


class CommentOut(msgspec.Struct, rename="camel"):
    """A comment; `parentId` is its top-level comment for a reply. `likedByMe` is null when anonymous."""

    id: Id
    video_id: Id
    parent_id: Id | None
    author: UserSummaryOut
    body: str
    reply_count: int
    like_count: int
    liked_by_me: bool | None
    created_at: Timestamp
    edited_at: Timestamp | None
    moderation: ModerationOut | None
    pinned: Annotated[
        bool,
        Meta(
            description="Pinned by the video's owner: first in the video's comments (top-level "
            "comments only; always false for a reply)."
        ),
    ]


class CommentPageOut(msgspec.Struct, rename="camel"):
    """A page of comments; pass `nextCursor` as `cursor` for the next one (null: last page)."""

    items: list[CommentOut]
    next_cursor: str | None


class CreateCommentIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A comment, or (with `parentId`) a reply."""

    body: Body
    parent_id: UUID | None = None


class EditCommentIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The new body."""

    body: Body


def comment_out(view: CommentView, viewer: Viewer = ANONYMOUS) -> CommentOut:
    """The comment as `viewer` sees it (`moderation` for its author and moderators only)."""
    comment = view.comment
    return CommentOut(
        id=str(comment.id),
        video_id=str(comment.video_id),
        parent_id=str(comment.parent_id) if comment.parent_id else None,
        author=summary_out(view.author, view.follows_author),
        body=comment.body,
        reply_count=comment.reply_count,
        like_count=comment.like_count,
        liked_by_me=view.liked_by_me,
        created_at=timestamp(comment.created_at),
        edited_at=optional_timestamp(comment.edited_at),
        moderation=moderation_out(
            comment.moderation_state,
            comment.moderation_reason,
            shown=shows_moderation(viewer, comment.author_id),
        ),
        pinned=comment.pinned,
    )
