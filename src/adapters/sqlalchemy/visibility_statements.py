"""The visibility rule (`application.common.visibility`) in SQL: the one translation of it that
every read statement (`read_statements`, `moderation_queries`) applies.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Label,
    Select,
    and_,
    bindparam,
    exists,
    literal_column,
    or_,
    select,
)

from adapters.sqlalchemy.tables import blocks, users, videos
from domain.moderation import ModerationState
from domain.videos import VideoStatus, Visibility


def _viewer() -> Any:
    return bindparam("viewer_id", type_=videos.c.id.type)


BLOCKING = "viewer_blocks"
"""Label of the flag: the viewer blocks the author (direct reads only)."""

BLOCKED_BY = "blocks_viewer"
"""Label of the flag: the author blocks the viewer (direct reads only)."""

_VISIBLE: ColumnElement[str] = literal_column(f"'{ModerationState.VISIBLE.value}'")


def _blocks_of_viewer() -> Select[Any]:
    """The accounts on the other side of a block with `viewer_id`, either way: two index range
    scans (the primary key, and the index on (blocked_id, blocker_id)), run once per statement
    (a hashed subplan on PostgreSQL, an ephemeral table on SQLite), not once per row."""
    viewer = _viewer()
    blocked = select(blocks.c.blocked_id).where(blocks.c.blocker_id == viewer)
    blocking = select(blocks.c.blocker_id).where(blocks.c.blocked_id == viewer)
    return select(blocked.union_all(blocking).subquery().c.blocked_id)


def listed_content(
    author_id: ColumnElement[Any], state: ColumnElement[Any] | None, signed_in: bool
) -> ColumnElement[bool]:
    """`visibility.is_listed` of content (in moderation `state`) by the author whose row is the
    joined `users`: the viewer's own content, or content in state `visible` by an author who is
    not suspended and not on either side of a block with the viewer (`viewer_id`)."""
    shown: list[ColumnElement[bool]] = [users.c.suspended_at.is_(None)]
    if state is not None:
        shown.append(state == _VISIBLE)
    if not signed_in:
        return and_(*shown)
    shown.append(author_id.not_in(_blocks_of_viewer()))
    return or_(author_id == _viewer(), and_(*shown))


def listed_account(signed_in: bool) -> ColumnElement[bool]:
    """`visibility.account_is_listed` of the account whose row is the joined `users`."""
    return listed_content(users.c.id, None, signed_in)


def block_flags(author_id: ColumnElement[Any], signed_in: bool) -> list[Label[Any]]:
    """The two flags of `domain.moderation.BlockRelation` between `viewer_id` and the author
    (false when anonymous), for direct reads, which apply the rule in the application."""
    if not signed_in:
        return [literal_column("0").label(BLOCKING), literal_column("0").label(BLOCKED_BY)]
    viewer = _viewer()
    return [
        exists()
        .where(blocks.c.blocker_id == viewer, blocks.c.blocked_id == author_id)
        .label(BLOCKING),
        exists()
        .where(blocks.c.blocker_id == author_id, blocks.c.blocked_id == viewer)
        .label(BLOCKED_BY),
    ]


def visible_to_viewer(signed_in: bool) -> ColumnElement[bool]:
    """`domain.videos.Video.is_visible_to` in SQL: the owner (`viewer_id`) sees all of their
    videos, others the ready public or unlisted ones."""
    others = and_(
        videos.c.status == literal_column(f"'{VideoStatus.READY.value}'"),
        videos.c.visibility != literal_column(f"'{Visibility.PRIVATE.value}'"),
    )
    return or_(videos.c.owner_id == _viewer(), others) if signed_in else others
