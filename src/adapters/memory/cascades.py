"""What the SQL schema's ON DELETE CASCADE does, for the in-memory state (rows only: counters are
the application's)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from adapters.memory.store import MemoryState


def delete_video_cascade(state: MemoryState, video_id: UUID) -> None:
    """Delete a video with its likes, its saves, its comments and their likes, its watches and
    view counts."""
    state.videos.pop(video_id, None)
    for key in [k for k in state.video_likes if k[1] == video_id]:
        del state.video_likes[key]
    for key in [k for k in state.video_saves if k[1] == video_id]:
        del state.video_saves[key]
    doomed = {c.id for c in state.comments.values() if c.video_id == video_id}
    for comment_id in doomed:
        del state.comments[comment_id]
    for key in [k for k in state.comment_likes if k[1] in doomed]:
        del state.comment_likes[key]
    for key in [k for k in state.watches if k[1] == video_id]:
        del state.watches[key]
    for key in [k for k in state.not_interested if k[1] == video_id]:
        del state.not_interested[key]
    for hour_key in [k for k in state.view_hours if k[0] == video_id]:
        del state.view_hours[hour_key]


def delete_comment_cascade(state: MemoryState, comment_id: UUID) -> int:
    """Delete a comment with its replies and their likes; how many comments went."""
    if comment_id not in state.comments:
        return 0
    doomed = {comment_id} | {c.id for c in state.comments.values() if c.parent_id == comment_id}
    for doomed_id in doomed:
        del state.comments[doomed_id]
    for key in [k for k in state.comment_likes if k[1] in doomed]:
        del state.comment_likes[key]
    return len(doomed)


def delete_user_cascade(state: MemoryState, user_id: UUID) -> None:
    """Delete an account with its follows, likes, saves, comments, videos, watches, sessions
    and tokens."""
    if user_id not in state.users:
        return
    for pairs in (state.follows, state.blocks):  # either side
        for pair in [k for k in pairs if user_id in k]:
            del pairs[pair]
    for report_id in [r.id for r in state.reports.values() if r.reporter_id == user_id]:
        del state.reports[report_id]
    own: tuple[dict[tuple[UUID, UUID], Any], ...] = (
        state.video_likes,
        state.video_saves,
        state.comment_likes,
        state.watches,
        state.not_interested,
    )
    for table in own:  # rows keyed (user, something)
        for key in [k for k in table if k[0] == user_id]:
            del table[key]
    for comment_id in [c.id for c in state.comments.values() if c.author_id == user_id]:
        delete_comment_cascade(state, comment_id)  # nothing if gone with its top-level comment
    for video_id in [v.id for v in state.videos.values() if v.owner_id == user_id]:
        delete_video_cascade(state, video_id)
    doomed = {s.id for s in state.sessions.values() if s.user_id == user_id}
    for session_id in doomed:
        del state.sessions[session_id]
    for token_hash in [h for h, t in state.refresh_tokens.items() if t.session_id in doomed]:
        del state.refresh_tokens[token_hash]
    del state.users[user_id]
