"""The read statements of a user's collections (saved and liked videos) and of who liked a video.

Part of `read_statements` (same parameters, helpers and caching per shape), in a module of its
own to keep each file small.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from sqlalchemy import Select, select

from adapters.sqlalchemy.read_statements import (
    author_columns,
    follows_flag,
    keyset_page,
    uuid_param,
    video_view_columns,
    visible_to_viewer,
)
from adapters.sqlalchemy.tables import users, video_likes, video_saves, videos


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
        .where(table.c.user_id == uuid_param("viewer_id"), visible_to_viewer(True))
    )
    return keyset_page(query, (table.c.created_at, table.c.video_id), after=after)


@functools.cache
def video_likers(after: bool) -> Select[Any]:
    """A page of the accounts that like `video_id`, newest like first, and whether the viewer
    (`viewer_id`) follows each.

    Reads the index on (video_id, created_at, user_id) backwards.
    """
    query = (
        select(
            *author_columns(),
            video_likes.c.created_at.label("liked_at"),
            follows_flag(users.c.id, True),
        )
        .select_from(video_likes.join(users, users.c.id == video_likes.c.user_id))
        .where(video_likes.c.video_id == uuid_param("video_id"))
    )
    return keyset_page(query, (video_likes.c.created_at, video_likes.c.user_id), after=after)
