"""What the SQL schema's ON DELETE CASCADE does, for the in-memory state."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from adapters.memory.store import MemoryState


def delete_video_cascade(state: MemoryState, video_id: UUID) -> None:
    """Delete a video with its likes, its comments and their likes."""
    state.videos.pop(video_id, None)
    for key in [k for k in state.video_likes if k[1] == video_id]:
        del state.video_likes[key]
    doomed = {c.id for c in state.comments.values() if c.video_id == video_id}
    for comment_id in doomed:
        del state.comments[comment_id]
    for key in [k for k in state.comment_likes if k[1] in doomed]:
        del state.comment_likes[key]


def delete_comment_adjusting_counts(state: MemoryState, comment_id: UUID) -> None:
    """Delete a comment with its replies and likes; the video's and parent's counts follow."""
    comment = state.comments.get(comment_id)
    if comment is None:
        return
    doomed = {comment_id} | {c.id for c in state.comments.values() if c.parent_id == comment_id}
    for doomed_id in doomed:
        del state.comments[doomed_id]
    for key in [k for k in state.comment_likes if k[1] in doomed]:
        del state.comment_likes[key]
    video = state.videos.get(comment.video_id)
    if video is not None:
        state.videos[video.id] = dataclasses.replace(
            video, comment_count=video.comment_count - len(doomed)
        )
    parent = state.comments.get(comment.parent_id) if comment.parent_id else None
    if parent is not None:
        state.comments[parent.id] = dataclasses.replace(parent, reply_count=parent.reply_count - 1)


def _bump(state: MemoryState, user_id: UUID, **deltas: int) -> None:
    user = state.users.get(user_id)
    if user is not None:
        state.users[user_id] = dataclasses.replace(
            user,
            follower_count=user.follower_count + deltas.get("followers", 0),
            following_count=user.following_count + deltas.get("following", 0),
            like_count=user.like_count + deltas.get("likes", 0),
        )


def _forget_follows(state: MemoryState, user_id: UUID) -> None:
    """Both directions: the other side's counter loses one."""
    for follower, followee in [k for k in state.follows if user_id in k]:
        del state.follows[(follower, followee)]
        if follower == user_id:
            _bump(state, followee, followers=-1)
        else:
            _bump(state, follower, following=-1)


def _forget_likes(state: MemoryState, user_id: UUID) -> None:
    """Their likes of other people's videos and of comments."""
    for key in [k for k in state.video_likes if k[0] == user_id]:
        del state.video_likes[key]
        liked = state.videos.get(key[1])
        if liked is not None and liked.owner_id != user_id:
            state.videos[liked.id] = dataclasses.replace(liked, like_count=liked.like_count - 1)
            _bump(state, liked.owner_id, likes=-1)
    for key in [k for k in state.comment_likes if k[0] == user_id]:
        del state.comment_likes[key]
        comment = state.comments.get(key[1])
        if comment is not None:
            state.comments[comment.id] = dataclasses.replace(
                comment, like_count=comment.like_count - 1
            )


def delete_user_adjusting_counts(state: MemoryState, user_id: UUID) -> None:
    """Delete an account and all it owns; every other counter keeps matching what remains."""
    if user_id not in state.users:
        return
    _forget_follows(state, user_id)
    _forget_likes(state, user_id)
    for comment in [c for c in state.comments.values() if c.author_id == user_id]:
        if comment.id in state.comments:  # not already gone with its top-level comment
            delete_comment_adjusting_counts(state, comment.id)
    for video_id in [v.id for v in state.videos.values() if v.owner_id == user_id]:
        delete_video_cascade(state, video_id)
    doomed = {s.id for s in state.sessions.values() if s.user_id == user_id}
    for session_id in doomed:
        del state.sessions[session_id]
    for token_hash in [h for h, t in state.refresh_tokens.items() if t.session_id in doomed]:
        del state.refresh_tokens[token_hash]
    del state.users[user_id]
