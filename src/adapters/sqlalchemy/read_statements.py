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
    and_,
    any_,
    bindparam,
    exists,
    literal_column,
    null,
    select,
    tuple_,
)

from adapters.sqlalchemy.tables import (
    comment_likes,
    comments,
    follows,
    sessions,
    users,
    video_hashtags,
    video_likes,
    video_saves,
    video_words,
    videos,
)
from adapters.sqlalchemy.videos import video_columns
from adapters.sqlalchemy.visibility_statements import (
    block_flags,
    listed_account,
    listed_content,
    visible_to_viewer,
)
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


# --- accounts -----------------------------------------------------------------------------------

SESSION_BY_ID = select(sessions).where(sessions.c.id == bindparam("session_id", type_=Uuid))
# The session of a signed-in request and its account's role, in the same round trip.
CALLER_BY_SESSION = (
    select(sessions, users.c.role)
    .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
    .where(sessions.c.id == bindparam("session_id", type_=Uuid))
)
USER_BY_ID = select(users).where(users.c.id == bindparam("user_id", type_=Uuid))
USER_BY_USERNAME = select(users).where(
    users.c.username == bindparam("username", type_=users.c.username.type)
)


@functools.cache
def account_view(by_username: bool, signed_in: bool) -> Select[Any]:
    """The account `user_id` (or `username`) and the blocks between it and `viewer_id`."""
    key = (
        users.c.username == bindparam("username", type_=users.c.username.type)
        if by_username
        else users.c.id == uuid_param("user_id")
    )
    return select(users, *block_flags(users.c.id, signed_in)).where(key)


@functools.cache
def users_by_prefix(signed_in: bool, after: bool) -> Select[Any]:
    """Accounts listed for `viewer_id` whose username is LIKE `pattern` (escaped with a
    backslash), in username order after `after_username`, at most `page_limit`."""
    query = select(users).where(
        users.c.username.like(bindparam("pattern", type_=users.c.username.type), escape="\\"),
        listed_account(signed_in),
    )
    if after:
        query = query.where(
            users.c.username > bindparam("after_username", type_=users.c.username.type)
        )
    return query.order_by(users.c.username).limit(bindparam("page_limit", type_=Integer))


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


def listed_videos(dialect_name: str, signed_in: bool) -> Select[Any]:
    """`video_views` of the videos whose author and moderation state are listed for the viewer."""
    return video_views(dialect_name, signed_in).where(
        listed_content(videos.c.owner_id, videos.c.moderation_state, signed_in)
    )


@functools.cache
def video_by_id(dialect_name: str, signed_in: bool) -> Select[Any]:
    """The video `video_id`, and the blocks between its author and the viewer."""
    return (
        video_views(dialect_name, signed_in)
        .add_columns(*block_flags(videos.c.owner_id, signed_in))
        .where(videos.c.id == uuid_param("video_id"))
    )


@functools.cache
def videos_of_owner(
    dialect_name: str, signed_in: bool, include_unlisted: bool, after: bool
) -> Select[Any]:
    """A page of the videos of `owner_id`, newest first (all of them, or only the published)."""
    query = listed_videos(dialect_name, signed_in).where(
        videos.c.owner_id == uuid_param("owner_id")
    )
    if not include_unlisted:
        query = query.where(PUBLISHED)
    return keyset_page(query, (videos.c.created_at, videos.c.id), after=after)


@functools.lru_cache(maxsize=128)
def public_videos(
    dialect_name: str, signed_in: bool, hashtag: bool, words: int, after: bool
) -> Select[Any]:
    """A page of the published videos, newest first; with `hashtag`, only those tagged `hashtag`;
    with `words` > 0, only those whose caption has every word `word_0` ... `word_{words - 1}`."""
    query = listed_videos(dialect_name, signed_in).where(PUBLISHED)
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
    """A page of the accounts following `user_id` (or that it follows) listed for `viewer_id`,
    newest follow first, and whether the viewer follows each.

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
        .where(this_side == uuid_param("user_id"), listed_account(signed_in, listed_side))
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


def listed_comments(signed_in: bool) -> Select[Any]:
    """`comment_views` of the comments whose author and moderation state are listed for the
    viewer."""
    return comment_views(signed_in).where(
        listed_content(comments.c.author_id, comments.c.moderation_state, signed_in)
    )


@functools.cache
def comment_by_id(signed_in: bool) -> Select[Any]:
    """The comment `comment_id`, and the blocks between its author and the viewer."""
    return (
        comment_views(signed_in)
        .add_columns(*block_flags(comments.c.author_id, signed_in))
        .where(comments.c.id == uuid_param("comment_id"))
    )


@functools.cache
def top_level_comments(signed_in: bool, top: bool, after: bool) -> Select[Any]:
    """A page of the unpinned top-level comments of `video_id`: newest first, or with `top` most
    liked first, then newest.

    `parent_id IS NULL` (no parameter) is the predicate of the partial indexes on
    (video_id, created_at, id) and (video_id, like_count, created_at, id), which then serve the
    page in order.
    """
    query = listed_comments(signed_in).where(
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
    return listed_comments(signed_in).where(
        comments.c.video_id == uuid_param("video_id"), comments.c.pinned_at.is_not(None)
    )


@functools.cache
def replies(signed_in: bool, after: bool) -> Select[Any]:
    """A page of the replies to `parent_id`, oldest first."""
    query = listed_comments(signed_in).where(comments.c.parent_id == uuid_param("parent_id"))
    return keyset_page(query, (comments.c.created_at, comments.c.id), after=after, descending=False)


# --- a user's collections: saved and liked videos; who liked a video ----------------------------


@functools.cache
def collected_videos(
    dialect_name: str, kind: Literal["saved", "liked"], after: bool
) -> Select[Any]:
    """A page of the videos `viewer_id` saved (or liked) and can still see, newest save (like)
    first, with when they were saved (`collected_at`).

    Reads the index on (user_id, created_at, video_id) of the saves (likes) backwards.
    """
    # An alias: the viewer's flags are EXISTS on these tables, and must not correlate with it.
    table = (video_saves if kind == "saved" else video_likes).alias("collected")
    query = (
        select(*video_view_columns(dialect_name, True), table.c.created_at.label("collected_at"))
        .select_from(
            table.join(videos, videos.c.id == table.c.video_id).join(
                users, users.c.id == videos.c.owner_id
            )
        )
        .where(
            table.c.user_id == uuid_param("viewer_id"),
            visible_to_viewer(True),
            listed_content(videos.c.owner_id, videos.c.moderation_state, True),
        )
    )
    return keyset_page(query, (table.c.created_at, table.c.video_id), after=after)


@functools.cache
def video_likers(after: bool) -> Select[Any]:
    """A page of the accounts that like `video_id` listed for the viewer (`viewer_id`), newest like
    first, and whether the viewer follows each.

    Reads the index on (video_id, created_at, user_id) backwards.
    """
    query = (
        select(
            *author_columns(),
            video_likes.c.created_at.label("liked_at"),
            follows_flag(users.c.id, True),
        )
        .select_from(video_likes.join(users, users.c.id == video_likes.c.user_id))
        .where(
            video_likes.c.video_id == uuid_param("video_id"),
            listed_account(True, video_likes.c.user_id),
        )
    )
    return keyset_page(query, (video_likes.c.created_at, video_likes.c.user_id), after=after)
