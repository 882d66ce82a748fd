"""The read statements of the feeds (Following, For You), built once per shape like those of
`read_statements` (whose helpers they use), each with the visibility rule's filter
(`read_statements.listed_videos`)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Uuid,
    all_,
    and_,
    any_,
    bindparam,
    exists,
    or_,
    select,
    true,
)

from adapters.sqlalchemy.read_statements import (
    PUBLISHED,
    _time_param,
    keyset_page,
    listed_videos,
    uuid_param,
)
from adapters.sqlalchemy.tables import follows, not_interested, videos, watches


@functools.cache
def following_feed(dialect_name: str, after: bool) -> Select[Any]:
    """A page of the published videos of the accounts `viewer_id` follows, newest first.

    A semi-join on the viewer's follows; per followed owner, the partial index on
    (owner_id, published_at, id) holds exactly their published videos in order.
    """
    followed = select(follows.c.followee_id).where(follows.c.follower_id == uuid_param("viewer_id"))
    query = listed_videos(dialect_name, True).where(PUBLISHED, videos.c.owner_id.in_(followed))
    return keyset_page(query, (videos.c.published_at, videos.c.id), after=after)


def _personal_filter(dialect_name: str, pinned: bool) -> ColumnElement[bool]:
    """What `application.ports.feed_queries.PersonalFilter` leaves out of the For You of
    `viewer_id`: their own videos, those they marked not interested, and those their latest watch
    since `watched_since` saw (to the end, or at least half: `domain.watching.watched_enough`).
    Each is a probe of a primary key (viewer, video) per candidate row."""
    viewer = uuid_param("viewer_id")
    seen = exists().where(
        watches.c.user_id == viewer,
        watches.c.video_id == videos.c.id,
        watches.c.watched_at > _time_param("watched_since"),
        or_(
            watches.c.completed == true(),
            watches.c.watched_ms >= videos.c.duration_seconds * 500,
        ),
    )
    unwanted = exists().where(
        not_interested.c.user_id == viewer, not_interested.c.video_id == videos.c.id
    )
    left_out = [videos.c.owner_id != viewer, ~unwanted, ~seen]
    if pinned:  # `pinned_ids`: a list, as one array parameter on PostgreSQL
        if dialect_name == "postgresql":
            left_out.append(videos.c.id != all_(bindparam("pinned_ids", type_=ARRAY(Uuid))))
        else:
            left_out.append(videos.c.id.not_in(bindparam("pinned_ids", expanding=True)))
    return and_(*left_out)


@functools.cache
def ranked_feed(
    dialect_name: str, signed_in: bool, after: bool, personal: bool = False, pinned: bool = False
) -> Select[Any]:
    """A page of the videos published in (`since`, `snapshot`], highest rank first; with
    `personal`, without what `_personal_filter` leaves out.

    Reads the partial index on (rank, id) backwards, skipping the few videos of the index's head
    that lie outside the window; the rank orders exactly as the score (domain.ranking).
    """
    query = listed_videos(dialect_name, signed_in).where(
        PUBLISHED,
        videos.c.published_at > _time_param("since"),
        videos.c.published_at <= _time_param("snapshot"),
    )
    if personal:
        query = query.where(_personal_filter(dialect_name, pinned))
    return keyset_page(query, (videos.c.rank, videos.c.id), after=after)


@functools.cache
def fresh_and_followed(dialect_name: str) -> Select[Any]:
    """The `page_limit` newest videos published in (`since`, `snapshot`] by the accounts
    `viewer_id` follows, or after `fresh_since` with fewer than `max_views` views, without what
    `_personal_filter` leaves out; reads the partial index on (published_at, id) backwards."""
    followed = select(follows.c.followee_id).where(follows.c.follower_id == uuid_param("viewer_id"))
    fresh = and_(
        videos.c.published_at > _time_param("fresh_since"),
        videos.c.view_count < bindparam("max_views", type_=Integer),
    )
    query = listed_videos(dialect_name, True).where(
        PUBLISHED,
        videos.c.published_at > _time_param("since"),
        videos.c.published_at <= _time_param("snapshot"),
        or_(videos.c.owner_id.in_(followed), fresh),
        _personal_filter(dialect_name, False),
    )
    return keyset_page(query, (videos.c.published_at, videos.c.id), after=False)


@functools.cache
def published_among(dialect_name: str, signed_in: bool) -> Select[Any]:
    """The published videos among `video_ids` (a list): a probe of the primary key per id;
    signed in, without the viewer's own and not-interested videos."""
    if dialect_name == "postgresql":
        among = videos.c.id == any_(bindparam("video_ids", type_=ARRAY(Uuid)))
    else:
        among = videos.c.id.in_(bindparam("video_ids", expanding=True))
    query = listed_videos(dialect_name, signed_in).where(PUBLISHED, among)
    if signed_in:
        viewer = uuid_param("viewer_id")
        unwanted = exists().where(
            not_interested.c.user_id == viewer, not_interested.c.video_id == videos.c.id
        )
        query = query.where(videos.c.owner_id != viewer, ~unwanted)
    return query


@functools.cache
def older_feed(
    dialect_name: str, signed_in: bool, after: bool, personal: bool = False, pinned: bool = False
) -> Select[Any]:
    """A page of the videos published until `until`, newest first; with `personal`, without what
    `_personal_filter` leaves out."""
    query = listed_videos(dialect_name, signed_in).where(
        PUBLISHED, videos.c.published_at <= _time_param("until")
    )
    if personal:
        query = query.where(_personal_filter(dialect_name, pinned))
    return keyset_page(query, (videos.c.published_at, videos.c.id), after=after)
