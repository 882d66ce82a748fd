"""The visibility rule (`application.common.visibility`) as a table: who sees what."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from application.common.visibility import (
    ANONYMOUS,
    Viewer,
    account_is_listed,
    can_see_account,
    can_see_content,
    can_see_video,
    is_listed,
    shows_moderation,
)
from domain.moderation import NO_BLOCK, BlockRelation, ModerationState
from domain.users import User
from domain.videos import Video, VideoStatus, Visibility

T0 = datetime(2026, 12, 2, tzinfo=UTC)
AUTHOR = User(
    id=uuid4(),
    username="author",
    email="author@example.com",
    password_hash="x",
    display_name=None,
    bio=None,
    avatar_url=None,
    created_at=T0,
    updated_at=T0,
)
SUSPENDED = dataclasses.replace(AUTHOR, suspended_at=T0)
USER = Viewer(user_id=uuid4())
MODERATOR = Viewer(user_id=uuid4(), moderator=True)
OWNER = Viewer(user_id=AUTHOR.id)
BLOCKING = BlockRelation(blocking=True)  # the viewer blocks the author
BLOCKED_BY = BlockRelation(blocked_by=True)  # the author blocks the viewer
VISIBLE, PENDING, REMOVED = ModerationState


@pytest.mark.parametrize(
    ("viewer", "author", "block", "state", "direct", "listed"),
    [
        (USER, AUTHOR, NO_BLOCK, VISIBLE, True, True),
        (ANONYMOUS, AUTHOR, NO_BLOCK, VISIBLE, True, True),
        (USER, AUTHOR, BLOCKING, VISIBLE, False, False),
        (USER, AUTHOR, BLOCKED_BY, VISIBLE, False, False),
        (USER, SUSPENDED, NO_BLOCK, VISIBLE, False, False),
        (ANONYMOUS, SUSPENDED, NO_BLOCK, VISIBLE, False, False),
        (USER, AUTHOR, NO_BLOCK, PENDING, False, False),
        (USER, AUTHOR, NO_BLOCK, REMOVED, False, False),
        (MODERATOR, AUTHOR, NO_BLOCK, REMOVED, True, False),
        (MODERATOR, SUSPENDED, BLOCKED_BY, PENDING, True, False),
        (OWNER, SUSPENDED, NO_BLOCK, REMOVED, True, True),
    ],
)
def test_content_is_seen_directly_and_listed_as_the_rule_says(
    viewer: Viewer,
    author: User,
    block: BlockRelation,
    state: ModerationState,
    direct: bool,
    listed: bool,
) -> None:
    assert can_see_content(viewer, author, block, state) is direct
    assert is_listed(viewer.user_id, author, block, state) is listed


@pytest.mark.parametrize(
    ("viewer", "account", "block", "profile", "listed"),
    [
        (USER, AUTHOR, NO_BLOCK, True, True),
        (USER, AUTHOR, BLOCKING, True, False),  # the blocker sees whom they block, to unblock
        (USER, AUTHOR, BLOCKED_BY, False, False),
        (USER, SUSPENDED, NO_BLOCK, False, False),
        (MODERATOR, SUSPENDED, BLOCKED_BY, True, False),
        (OWNER, SUSPENDED, NO_BLOCK, True, True),
    ],
)
def test_profiles_are_seen_and_listed_as_the_rule_says(
    viewer: Viewer, account: User, block: BlockRelation, profile: bool, listed: bool
) -> None:
    assert can_see_account(viewer, account, block) is profile
    assert account_is_listed(viewer.user_id, account, block) is listed


def _video(**changes: object) -> Video:
    video = Video(
        id=uuid4(),
        owner_id=AUTHOR.id,
        caption="",
        hashtags=(),
        visibility=Visibility.PUBLIC,
        status=VideoStatus.READY,
        content_type="video/mp4",
        size_bytes=1,
        storage_key="k",
        created_at=T0,
        updated_at=T0,
    )
    return dataclasses.replace(video, **changes)  # type: ignore[arg-type]


def test_moderators_never_see_someone_elses_private_or_unfinished_video() -> None:
    for video in (_video(visibility=Visibility.PRIVATE), _video(status=VideoStatus.PROCESSING)):
        assert not can_see_video(MODERATOR, video, AUTHOR, NO_BLOCK)
        assert can_see_video(OWNER, video, AUTHOR, NO_BLOCK)
    removed = _video(moderation_state=REMOVED)
    assert can_see_video(MODERATOR, removed, AUTHOR, NO_BLOCK)
    assert not can_see_video(USER, removed, AUTHOR, NO_BLOCK)


def test_moderation_is_shown_to_the_author_and_moderators_only() -> None:
    assert shows_moderation(OWNER, AUTHOR.id)
    assert shows_moderation(MODERATOR, AUTHOR.id)
    assert not shows_moderation(USER, AUTHOR.id)
    assert not shows_moderation(ANONYMOUS, AUTHOR.id)
