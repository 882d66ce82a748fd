"""Every statement of the read side, each built in one place, once per shape.

A read's statement is built with named parameters (`bindparam`) and cached per shape (dialect,
signed in or not, first page or not...), so that no statement is built or keyed per request: the
SQL queries pass it with its parameters to their `SelectRunner` (the engine on SQLite, the raw
psycopg pool on PostgreSQL, which compiles each statement once), and the benchmark's ceiling
(`bench/ceiling.py`) compiles the same ones. Rows are read back by the query modules
(`video_queries`, `social_queries`, `account_queries`).
"""

from __future__ import annotations

import functools
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Integer,
    Label,
    Select,
    Uuid,
    all_,
    and_,
    any_,
    bindparam,
    exists,
    literal_column,
    null,
    or_,
    select,
    true,
    tuple_,
)

from adapters.sqlalchemy.tables import (
    comment_likes,
    comments,
    follows,
    not_interested,
    sessions,
    users,
    video_hashtags,
    video_likes,
    video_saves,
    video_words,
    videos,
    watches,
)
from adapters.sqlalchemy.videos import video_columns
from domain.videos import VideoStatus, Visibility

AUTHOR_PREFIX = "by_"
"""Prefix of the author's columns (unlike "author_", it clashes with no column of videos or
comments)."""

LIKED = "liked_by_me"
"""Label of the viewer's like flag."""

SAVED = "saved_by_me"
"""Label of the viewer's save flag."""

FOLLOWS = "viewer_follows"
"""Label of the viewer's follow flag of the listed user or the author."""

# Spelled as literals, like the predicate of the partial indexes on published videos, so that the
# PostgreSQL planner can prove that an index applies whatever the statement's parameters.
PUBLISHED = and_(
    videos.c.status == literal_column(f"'{VideoStatus.READY.value}'"),
    videos.c.visibility == literal_column(f"'{Visibility.PUBLIC.value}'"),
)

# --- parameters ---------------------------------------------------------------------------------


def uuid_param(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=videos.c.id.type)


def _time_param(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=videos.c.published_at.type)


def viewer_params(viewer_id: UUID | None) -> dict[str, Any]:
    """The viewer's parameter (`viewer_id`) of a statement built for a signed-in viewer."""
    return {} if viewer_id is None else {"viewer_id": viewer_id}


def page_params(after: tuple[Any, ...] | None, limit: int) -> dict[str, Any]:
    """The parameters of `keyset_page`: the position `after_0`, `after_1`... and `page_limit`."""
    params: dict[str, Any] = {"page_limit": limit}
    if after is not None:
        params.update({f"after_{index}": value for index, value in enumerate(after)})
    return params


def keyset_page(
    query: Select[Any],
    key: tuple[ColumnElement[Any], ...],
    *,
    after: bool,
    descending: bool = True,
) -> Select[Any]:
    """The `page_limit` rows after the position (`after_0`, `after_1`...) in `key` order
    (descending unless told); from the first row when not `after`."""
    if after:
        position = tuple_(*key)
        bound = tuple_(
            *(bindparam(f"after_{index}", type_=column.type) for index, column in enumerate(key))
        )
        query = query.where(position < bound if descending else position > bound)
    order = [column.desc() if descending else column.asc() for column in key]
    return query.order_by(*order).limit(bindparam("page_limit", type_=Integer))


# --- columns ------------------------------------------------------------------------------------


def author_columns() -> list[Label[Any]]:
    """Every `users` column, prefixed so that they never clash with the main table's names."""
    return [column.label(AUTHOR_PREFIX + column.name) for column in users.c]


def liked_flag(like_exists: ColumnElement[bool] | None) -> Label[Any]:
    """The viewer's like flag as a column: the EXISTS of their like, or NULL when anonymous."""
    return viewer_flag(LIKED, like_exists)


def viewer_flag(label: str, row_exists: ColumnElement[bool] | None) -> Label[Any]:
    """A flag of the viewer as a column: the EXISTS of their row, or NULL when anonymous."""
    if row_exists is None:
        return null().label(label)
    return row_exists.label(label)


def follows_flag(user_id: ColumnElement[Any], signed_in: bool) -> Label[Any]:
    """Whether the viewer (`viewer_id`) follows the user `user_id` (one probe of the follows
    primary key per row: no query per item), or NULL when anonymous."""
    # An alias: the follow lists select from `follows` too, and must not correlate with it.
    viewer_follows = follows.alias("viewer_follows")
    return viewer_flag(
        FOLLOWS,
        exists().where(
            viewer_follows.c.follower_id == uuid_param("viewer_id"),
            viewer_follows.c.followee_id == user_id,
        )
        if signed_in
        else None,
    )


def visible_to_viewer(signed_in: bool) -> ColumnElement[bool]:
    """`domain.videos.Video.is_visible_to` in SQL: the owner (`viewer_id`) sees all of their
    videos, others the ready public or unlisted ones."""
    others = and_(
        videos.c.status == literal_column(f"'{VideoStatus.READY.value}'"),
        videos.c.visibility != literal_column(f"'{Visibility.PRIVATE.value}'"),
    )
    return or_(videos.c.owner_id == uuid_param("viewer_id"), others) if signed_in else others


# --- accounts -----------------------------------------------------------------------------------

SESSION_BY_ID = select(sessions).where(sessions.c.id == bindparam("session_id", type_=Uuid))
USER_BY_ID = select(users).where(users.c.id == bindparam("user_id", type_=Uuid))
USER_BY_USERNAME = select(users).where(
    users.c.username == bindparam("username", type_=users.c.username.type)
)

# --- videos -------------------------------------------------------------------------------------


def video_view_columns(dialect_name: str, signed_in: bool) -> list[ColumnElement[Any]]:
    """A video's columns, its author's, and whether the viewer (`viewer_id`) likes and saved it
    and follows its author."""
    viewer = uuid_param("viewer_id")
    liked = liked_flag(
        exists().where(video_likes.c.user_id == viewer, video_likes.c.video_id == videos.c.id)
        if signed_in
        else None
    )
    saved = viewer_flag(
        SAVED,
        exists().where(video_saves.c.user_id == viewer, video_saves.c.video_id == videos.c.id)
        if signed_in
        else None,
    )
    return [
        *video_columns(dialect_name),
        *author_columns(),
        liked,
        saved,
        follows_flag(users.c.id, signed_in),
    ]


@functools.cache
def video_views(dialect_name: str, signed_in: bool) -> Select[Any]:
    """Videos joined with their authors, and the viewer's flags (`video_view_columns`)."""
    return select(*video_view_columns(dialect_name, signed_in)).select_from(
        videos.join(users, users.c.id == videos.c.owner_id)
    )


@functools.cache
def video_by_id(dialect_name: str, signed_in: bool) -> Select[Any]:
    """The video `video_id`."""
    return video_views(dialect_name, signed_in).where(videos.c.id == uuid_param("video_id"))


@functools.cache
def videos_of_owner(
    dialect_name: str, signed_in: bool, include_unlisted: bool, after: bool
) -> Select[Any]:
    """A page of the videos of `owner_id`, newest first (all of them, or only the published)."""
    query = video_views(dialect_name, signed_in).where(videos.c.owner_id == uuid_param("owner_id"))
    if not include_unlisted:
        query = query.where(PUBLISHED)
    return keyset_page(query, (videos.c.created_at, videos.c.id), after=after)


@functools.lru_cache(maxsize=128)
def public_videos(
    dialect_name: str, signed_in: bool, hashtag: bool, words: int, after: bool
) -> Select[Any]:
    """A page of the published videos, newest first; with `hashtag`, only those tagged `hashtag`;
    with `words` > 0, only those whose caption has every word `word_0` ... `word_{words - 1}`."""
    query = video_views(dialect_name, signed_in).where(PUBLISHED)
    if hashtag:
        query = query.where(
            exists().where(
                video_hashtags.c.video_id == videos.c.id,
                video_hashtags.c.hashtag
                == bindparam("hashtag", type_=video_hashtags.c.hashtag.type),
            )
        )
    for index in range(words):
        word = bindparam(f"word_{index}", type_=video_words.c.word.type)
        query = query.where(
            exists().where(video_words.c.video_id == videos.c.id, video_words.c.word == word)
        )
    return keyset_page(query, (videos.c.published_at, videos.c.id), after=after)


def public_video_params(hashtag: str | None, words: tuple[str, ...]) -> dict[str, Any]:
    """The filter's parameters of `public_videos` (`words`: distinct)."""
    params: dict[str, Any] = {f"word_{index}": word for index, word in enumerate(words)}
    if hashtag is not None:
        params["hashtag"] = hashtag
    return params


# --- follows ------------------------------------------------------------------------------------


@functools.cache
def follow_list(
    direction: Literal["followers", "following"], signed_in: bool, after: bool
) -> Select[Any]:
    """A page of the accounts following `user_id` (or that it follows), newest follow first, and
    whether the viewer follows each.

    Reads the index on (followee_id, created_at, follower_id) (or the other way round) backwards.
    """
    if direction == "followers":
        this_side, listed_side = follows.c.followee_id, follows.c.follower_id
    else:
        this_side, listed_side = follows.c.follower_id, follows.c.followee_id
    query = (
        select(
            *author_columns(),
            follows.c.created_at.label("followed_at"),
            follows_flag(users.c.id, signed_in),
        )
        .select_from(follows.join(users, users.c.id == listed_side))
        .where(this_side == uuid_param("user_id"))
    )
    return keyset_page(query, (follows.c.created_at, listed_side), after=after)


@functools.cache
def followed_among(dialect_name: str) -> Select[Any]:
    """Which of the accounts `user_ids` (a list) `viewer_id` follows."""
    if dialect_name == "postgresql":
        # One array parameter: the same statement (and prepared plan) whatever the list's length.
        among = follows.c.followee_id == any_(bindparam("user_ids", type_=ARRAY(Uuid)))
    else:
        among = follows.c.followee_id.in_(bindparam("user_ids", expanding=True))
    return select(follows.c.followee_id).where(
        follows.c.follower_id == uuid_param("viewer_id"), among
    )


# --- feeds --------------------------------------------------------------------------------------


@functools.cache
def following_feed(dialect_name: str, after: bool) -> Select[Any]:
    """A page of the published videos of the accounts `viewer_id` follows, newest first.

    A semi-join on the viewer's follows; per followed owner, the partial index on
    (owner_id, published_at, id) holds exactly their published videos in order.
    """
    followed = select(follows.c.followee_id).where(follows.c.follower_id == uuid_param("viewer_id"))
    query = video_views(dialect_name, True).where(PUBLISHED, videos.c.owner_id.in_(followed))
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
    query = video_views(dialect_name, signed_in).where(
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
    query = video_views(dialect_name, True).where(
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
    query = video_views(dialect_name, signed_in).where(PUBLISHED, among)
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
    query = video_views(dialect_name, signed_in).where(
        PUBLISHED, videos.c.published_at <= _time_param("until")
    )
    if personal:
        query = query.where(_personal_filter(dialect_name, pinned))
    return keyset_page(query, (videos.c.published_at, videos.c.id), after=after)


# --- comments -----------------------------------------------------------------------------------


@functools.cache
def comment_views(signed_in: bool) -> Select[Any]:
    """Comments joined with their authors, and whether the viewer (`viewer_id`) likes each and
    follows its author."""
    liked = liked_flag(
        exists().where(
            comment_likes.c.user_id == uuid_param("viewer_id"),
            comment_likes.c.comment_id == comments.c.id,
        )
        if signed_in
        else None
    )
    return select(
        *comments.c, *author_columns(), liked, follows_flag(users.c.id, signed_in)
    ).select_from(comments.join(users, users.c.id == comments.c.author_id))


@functools.cache
def comment_by_id(signed_in: bool) -> Select[Any]:
    """The comment `comment_id`."""
    return comment_views(signed_in).where(comments.c.id == uuid_param("comment_id"))


@functools.cache
def top_level_comments(signed_in: bool, top: bool, after: bool) -> Select[Any]:
    """A page of the unpinned top-level comments of `video_id`: newest first, or with `top` most
    liked first, then newest.

    `parent_id IS NULL` (no parameter) is the predicate of the partial indexes on
    (video_id, created_at, id) and (video_id, like_count, created_at, id), which then serve the
    page in order.
    """
    query = comment_views(signed_in).where(
        comments.c.video_id == uuid_param("video_id"),
        comments.c.parent_id.is_(None),
        comments.c.pinned_at.is_(None),
    )
    key: tuple[ColumnElement[Any], ...] = (comments.c.created_at, comments.c.id)
    if top:
        key = (comments.c.like_count, *key)
    return keyset_page(query, key, after=after)


@functools.cache
def pinned_comment(signed_in: bool) -> Select[Any]:
    """The pinned comment of `video_id`, if any (the unique partial index on video_id)."""
    return comment_views(signed_in).where(
        comments.c.video_id == uuid_param("video_id"), comments.c.pinned_at.is_not(None)
    )


@functools.cache
def replies(signed_in: bool, after: bool) -> Select[Any]:
    """A page of the replies to `parent_id`, oldest first."""
    query = comment_views(signed_in).where(comments.c.parent_id == uuid_param("parent_id"))
    return keyset_page(query, (comments.c.created_at, comments.c.id), after=after, descending=False)
