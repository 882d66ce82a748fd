"""Builders of the domain objects the contract suites store: one of each, shared by every suite.

Each builds a valid object with the defaults most tests want; keyword arguments change any field
(`make_user("ana", follower_count=3)`). Times count from `T0`, which has microseconds so that a
round trip that loses them fails.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.comments import Comment
from domain.sessions import RefreshToken, Session
from domain.users import User
from domain.videos import Caption, Video, VideoStatus, Visibility

T0 = datetime(2026, 11, 22, 8, 0, 0, 123456, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """`seconds` after `T0`."""
    return T0 + timedelta(seconds=seconds)


def make_user(username: str, **changes: Any) -> User:
    """A user created at `T0`, with `username@example.com` and no profile but a display name."""
    user = User(
        id=uuid4(),
        username=username,
        email=f"{username}@example.com",
        password_hash=f"hash-of-{username}",
        display_name=username.title(),
        bio=None,
        avatar_url=None,
        created_at=T0,
        updated_at=T0,
    )
    return dataclasses.replace(user, **changes)


def make_video(owner: User, seconds: float = 0, **changes: Any) -> Video:
    """A ready public video without caption, created (and published) `seconds` after `T0`."""
    created = at(seconds)
    video_id = uuid4()
    video = Video(
        id=video_id,
        owner_id=owner.id,
        caption="",
        hashtags=(),
        visibility=Visibility.PUBLIC,
        status=VideoStatus.READY,
        content_type="video/mp4",
        size_bytes=1000,
        storage_key=f"videos/{video_id}/source",
        created_at=created,
        updated_at=created,
        published_at=created,
    )
    return dataclasses.replace(video, **changes)


def captioned(text: str) -> dict[str, Any]:
    """`caption` and `hashtags` as the use cases derive them from a caption: `**captioned(...)`."""
    caption = Caption.parse(text)
    return {"caption": caption.text, "hashtags": caption.hashtags}


def make_comment(
    author: User, video: Video, seconds: float = 0, parent: Comment | None = None, **changes: Any
) -> Comment:
    """A comment (a reply when `parent` is given) made `seconds` after `T0`."""
    comment = Comment(
        id=uuid4(),
        video_id=video.id,
        author_id=author.id,
        body=f"said by {author.username} at {seconds}",
        created_at=at(seconds),
        parent_id=None if parent is None else parent.id,
    )
    return dataclasses.replace(comment, **changes)


def make_session(user_id: UUID, **changes: Any) -> Session:
    """A session opened at `T0` for 30 days."""
    session = Session(
        id=uuid4(), user_id=user_id, created_at=T0, expires_at=T0 + timedelta(days=30)
    )
    return dataclasses.replace(session, **changes)


def make_token(session_id: UUID, token_hash: str | None = None) -> RefreshToken:
    """An unspent refresh token of the session, issued at `T0` for 30 days."""
    return RefreshToken(
        token_hash=token_hash or uuid4().hex * 2,
        session_id=session_id,
        created_at=T0,
        expires_at=T0 + timedelta(days=30),
    )
