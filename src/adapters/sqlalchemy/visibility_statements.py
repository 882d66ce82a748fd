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
    union_all,
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

# Spelled as "not hidden" rather than "= 'visible'": the same rows (three states), and without
# statistics (a table just created or emptied) the planner estimates an inequality as keeping
# nearly every row and an equality as keeping almost none, which would turn the lists' plans.
_HIDDEN_STATES: tuple[ColumnElement[str], ...] = (
    literal_column(f"'{ModerationState.PENDING_REVIEW.value}'"),
    literal_column(f"'{ModerationState.REMOVED.value}'"),
)


def _hidden_authors(signed_in: bool) -> Select[Any]:
    """The accounts whose content the viewer's lists leave out: the suspended ones (the partial
    index on suspended users), and, for a signed-in viewer (`viewer_id`), those on the other side
    of a block with them, either way (the primary key of `blocks` and its index on (blocked_id,
    blocker_id)). Read once per statement (a hashed subplan on PostgreSQL, an ephemeral table on
    SQLite), never once per row; the viewer is never in it (nobody blocks themselves, and the
    viewer's own suspension does not hide their content from them)."""
    suspended = select(users.c.id).where(users.c.suspended_at.is_not(None))
    if not signed_in:
        return suspended
    viewer = _viewer()
    blocked = select(blocks.c.blocked_id).where(blocks.c.blocker_id == viewer)
    blocking = select(blocks.c.blocker_id).where(blocks.c.blocked_id == viewer)
    hidden = union_all(suspended.where(users.c.id != viewer), blocked, blocking).subquery()
    return select(hidden.c.id)


def listed_content(
    author_id: ColumnElement[Any], state: ColumnElement[Any] | None, signed_in: bool
) -> ColumnElement[bool]:
    """`visibility.is_listed` of content (in moderation `state`) whose author is `author_id` (a
    column of the listing's own table): the viewer's own content, or content in state `visible`
    by an author who is not suspended and not on either side of a block with the viewer
    (`viewer_id`).

    Every condition is on `author_id` and `state`, so it filters the rows of the list's own index
    scan (which keeps reading its index in order), and none depends on the planner's estimate of
    the joined `users` rows.
    """
    shown: list[ColumnElement[bool]] = [author_id.not_in(_hidden_authors(signed_in))]
    if state is not None:
        visible = state.not_in(_HIDDEN_STATES)
        shown.append(or_(visible, author_id == _viewer()) if signed_in else visible)
    return and_(*shown)


def listed_account(
    signed_in: bool, account_id: ColumnElement[Any] | None = None
) -> ColumnElement[bool]:
    """`visibility.account_is_listed` of the account `account_id` (a column of the listing's own
    table holding the account's id; by default the joined `users.id`)."""
    return listed_content(users.c.id if account_id is None else account_id, None, signed_in)


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
