"""SQL video repository (SQLAlchemy Core), and the row mapping the read-side queries share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Double,
    Label,
    Row,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import comments as comment_rows
from adapters.sqlalchemy.tables import video_hashtags, video_likes, video_words, videos
from application.ports.video_repository import VideoRepository
from domain.media import Rendition
from domain.moderation import ModerationState
from domain.ranking import DECAY_PER_SECOND, rank
from domain.videos import Video, VideoStatus, Visibility
from domain.words import caption_words


class SqlVideoRepository(VideoRepository):
    """Videos in the `videos` table, with their hashtags and caption words kept alongside for
    the list filters; on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, video: Video) -> None:
        await self._connection.execute(
            insert(videos).values(
                id=video.id,
                view_count=video.view_count,
                like_count=video.like_count,
                comment_count=video.comment_count,
                share_count=video.share_count,
                engagement_points=video.engagement_points,
                rank=(
                    None
                    if video.published_at is None
                    else rank(video.engagement_points, video.published_at)
                ),
                **_mutable(video),
            )
        )
        await self._write_hashtags(video)
        await self._write_words(video)

    async def get(self, video_id: UUID) -> Video | None:
        row = (
            await self._connection.execute(
                select(*video_columns(self._connection.dialect.name)).where(videos.c.id == video_id)
            )
        ).first()
        return None if row is None else video_from_row(row)

    async def set_moderation(
        self, video_id: UUID, state: ModerationState, reason: str | None
    ) -> None:
        await self._connection.execute(
            update(videos)
            .where(videos.c.id == video_id)
            .values(moderation_state=state.value, moderation_reason=reason)
        )

    async def save(self, video: Video, *, expected_status: VideoStatus) -> bool:
        # The word and hashtag rows are rewritten exactly when the caption or the hashtags change,
        # which needs what is stored now, not what a concurrent transaction is replacing:
        # 1. lock the row (PostgreSQL; SQLite transactions are serialised anyway). Once the lock
        #    is granted, the row read is the newest version, so the caption is current;
        # 2. update it, returning the stored hashtags: a new statement sees every transaction that
        #    committed before the lock was granted (a subquery of statement 1 would not).
        dialect = self._connection.dialect.name
        current = (videos.c.id == video.id, videos.c.status == expected_status.value)
        locked = (
            await self._connection.execute(
                select(videos.c.caption).where(*current).with_for_update()
            )
        ).first()
        if locked is None:
            return False
        updated = (
            await self._connection.execute(
                update(videos)
                .where(*current)
                .values(
                    **_mutable(video),
                    # From the stored points (the row is locked): `video`'s may be stale.
                    rank=(
                        None
                        if video.published_at is None
                        else rank_sql(
                            videos.c.engagement_points,
                            literal(video.published_at.timestamp() * DECAY_PER_SECOND, Double),
                        )
                    ),
                )
                .returning(hashtags_column(dialect))
            )
        ).first()
        if updated is None:
            return False
        if _hashtags(updated.hashtags) != video.hashtags:
            await self._connection.execute(
                delete(video_hashtags).where(video_hashtags.c.video_id == video.id)
            )
            await self._write_hashtags(video)
        if locked.caption != video.caption:
            await self._connection.execute(
                delete(video_words).where(video_words.c.video_id == video.id)
            )
            await self._write_words(video)
        return True

    async def delete(self, video_id: UUID) -> None:
        # Its hashtag and word rows go with it (ON DELETE CASCADE).
        await self._connection.execute(delete(videos).where(videos.c.id == video_id))

    async def add_to_counters(
        self, video_id: UUID, *, views: int = 0, likes: int = 0, comments: int = 0, points: int = 0
    ) -> None:
        deltas = {
            videos.c.view_count: views,
            videos.c.like_count: likes,
            videos.c.comment_count: comments,
            videos.c.engagement_points: points,
        }
        changes: dict[Any, Any] = {
            column: column + delta for column, delta in deltas.items() if delta
        }
        if points:
            # NULL while unpublished (the time term is NULL); `save` sets it at publication.
            changes[videos.c.rank] = rank_sql(
                videos.c.engagement_points + points,
                time_term_sql(self._connection.dialect.name, videos.c.published_at),
            )
        if changes:
            # Relative to the stored value, so concurrent transactions never lose an increment.
            await self._connection.execute(
                update(videos).where(videos.c.id == video_id).values(changes)
            )

    async def add_to_counters_of_liked(self, liker_id: UUID, *, likes: int) -> None:
        liked = select(video_likes.c.video_id).where(video_likes.c.user_id == liker_id)
        await self._connection.execute(
            update(videos)
            .where(videos.c.owner_id != liker_id, videos.c.id.in_(liked))
            .values(like_count=videos.c.like_count + likes)
        )

    async def add_to_counters_of_commented(self, author_id: UUID, *, comments: int) -> None:
        # Per video: their top-level comments with all their replies (`reply_count`: the comment
        # rows are locked by `UserRepository.lock_for_deletion` on PostgreSQL), and their replies
        # under other people's comments; their replies under their own comments are counted with
        # those.
        parent = comment_rows.alias("parent")
        own = comment_rows.alias("own")
        going = (
            select(
                func.coalesce(
                    func.sum(
                        case((own.c.parent_id.is_(None), 1 + own.c.reply_count), else_=literal(1))
                    ),
                    0,
                )
            )
            .select_from(own.outerjoin(parent, parent.c.id == own.c.parent_id))
            .where(
                own.c.author_id == author_id,
                or_(own.c.parent_id.is_(None), parent.c.author_id != author_id),
                own.c.video_id == videos.c.id,
            )
            .scalar_subquery()
        )
        commented = select(comment_rows.c.video_id).where(comment_rows.c.author_id == author_id)
        await self._connection.execute(
            update(videos)
            .where(videos.c.owner_id != author_id, videos.c.id.in_(commented))
            .values(comment_count=videos.c.comment_count + comments * going)
        )

    async def add_share(self, video_id: UUID) -> None:
        # Relative to the stored value, like `add_to_counters`.
        await self._connection.execute(
            update(videos)
            .where(videos.c.id == video_id)
            .values(share_count=videos.c.share_count + 1)
        )

    async def storage_of_owner(self, owner_id: UUID) -> Sequence[tuple[str, str | None]]:
        result = await self._connection.execute(
            select(videos.c.storage_key, videos.c.upload_id)
            .where(videos.c.owner_id == owner_id)
            .order_by(videos.c.created_at, videos.c.id)
        )
        return [(row.storage_key, row.upload_id) for row in result]

    async def expired_uploads(self, now: datetime, limit: int) -> Sequence[Video]:
        result = await self._connection.execute(
            select(*video_columns(self._connection.dialect.name))
            # The literal status matches the predicate of the partial index on upload_expires_at.
            .where(
                videos.c.status == literal_column(f"'{VideoStatus.UPLOADING.value}'"),
                videos.c.upload_expires_at <= now,
            )
            .order_by(videos.c.upload_expires_at, videos.c.id)
            .limit(limit)
        )
        return [video_from_row(row) for row in result]

    async def _write_hashtags(self, video: Video) -> None:
        if video.hashtags:
            await self._connection.execute(
                insert(video_hashtags),
                [
                    {"video_id": video.id, "hashtag": hashtag, "position": position}
                    for position, hashtag in enumerate(video.hashtags)
                ],
            )

    async def _write_words(self, video: Video) -> None:
        words = caption_words(video.caption)
        if words:
            await self._connection.execute(
                insert(video_words), [{"video_id": video.id, "word": word} for word in words]
            )


def rank_sql(points: ColumnElement[Any], time_term: ColumnElement[Any]) -> ColumnElement[Any]:
    """`domain.ranking.rank` in SQL: ln(1 + points) plus the publication time's term.

    The same IEEE operations as the Python function (ln of a double, then one addition), so a rank
    written here equals the one `rank` computes.
    """
    return cast(func.ln(cast(literal(1, BigInteger) + points, Double)), Double) + time_term


def time_term_sql(dialect_name: str, published_at: ColumnElement[Any]) -> ColumnElement[Any]:
    """`published_at.timestamp() * DECAY_PER_SECOND` of a stored time, in SQL (NULL stays NULL)."""
    if dialect_name == "postgresql":
        # extract(epoch ...) is exact (numeric, microseconds); its cast to float8 rounds once,
        # like `timestamp()`.
        seconds: ColumnElement[Any] = cast(extract("epoch", published_at), Double)
    else:
        # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC): the exact integer of
        # microseconds, divided once.
        whole = cast(func.strftime("%s", func.substr(published_at, 1, 19)), BigInteger)
        micro = cast(func.substr(published_at, 21), BigInteger)
        seconds = (whole * literal(1_000_000, BigInteger) + micro) / literal(1_000_000.0, Double)
    return seconds * literal(DECAY_PER_SECOND, Double)


def video_columns(dialect_name: str) -> list[ColumnElement[Any]]:
    """Every column `video_from_row` needs: the `videos` row and its hashtags."""
    return [*videos.c, hashtags_column(dialect_name)]


def hashtags_column(dialect_name: str) -> Label[Any]:
    """A video's hashtags as a JSON array of `[position, hashtag]` pairs, labelled `hashtags`.

    A correlated subquery, so that a video and its hashtags come back in one statement. Pairs, as
    neither dialect promises the order in which an aggregate sees its rows (`_hashtags` sorts).
    """
    if dialect_name == "postgresql":
        pairs = func.json_agg(
            func.json_build_array(video_hashtags.c.position, video_hashtags.c.hashtag),
            type_=JSON,
        )
    else:
        pairs = func.json_group_array(
            func.json_array(video_hashtags.c.position, video_hashtags.c.hashtag), type_=JSON
        )
    return (
        select(pairs)
        .where(video_hashtags.c.video_id == videos.c.id)
        .scalar_subquery()
        .label("hashtags")
    )


def video_from_row(row: Row[Any]) -> Video:
    """The `Video` of a row selected with `video_columns`."""
    return Video(
        id=row.id,
        owner_id=row.owner_id,
        caption=row.caption,
        hashtags=_hashtags(row.hashtags),
        visibility=Visibility(row.visibility),
        status=VideoStatus(row.status),
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        storage_key=row.storage_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
        upload_id=row.upload_id,
        upload_expires_at=row.upload_expires_at,
        failure_reason=row.failure_reason,
        duration_seconds=row.duration_seconds,
        width=row.width,
        height=row.height,
        published_at=row.published_at,
        view_count=row.view_count,
        like_count=row.like_count,
        comment_count=row.comment_count,
        share_count=row.share_count,
        engagement_points=row.engagement_points,
        renditions=_renditions(row.renditions),
        poster_version=row.poster_version,
        blurhash=row.blurhash,
        poster_at_seconds=row.poster_at_seconds,
        moderation_state=ModerationState(row.moderation_state),
        moderation_reason=row.moderation_reason,
    )


def _renditions(stored: Any) -> tuple[Rendition, ...]:
    """The renditions of the JSON column: `[[width, height, kbps], ...]` (None: none)."""
    if isinstance(stored, str):  # a driver that hands JSON back as text
        stored = json.loads(stored)
    return tuple(Rendition(int(w), int(h), int(kbps)) for w, h, kbps in stored or ())


def _hashtags(pairs: list[list[Any]] | None) -> tuple[str, ...]:
    """The hashtags, in position order, from the decoded `hashtags_column` (None: no rows)."""
    if pairs is None:
        return ()
    return tuple(hashtag for _, hashtag in sorted(pairs))


def _mutable(video: Video) -> dict[str, Any]:
    """The columns `save` replaces: everything but the id and the counters.

    The counters (views, likes, comments, shares, engagement points) change only through
    `add_to_counters` and `add_share` (relative updates), so a stale `Video` cannot overwrite a concurrent increment.
    """
    return {
        "owner_id": video.owner_id,
        "caption": video.caption,
        "visibility": video.visibility.value,
        "status": video.status.value,
        "failure_reason": video.failure_reason,
        "content_type": video.content_type,
        "size_bytes": video.size_bytes,
        "storage_key": video.storage_key,
        "upload_id": video.upload_id,
        "upload_expires_at": video.upload_expires_at,
        "duration_seconds": video.duration_seconds,
        "width": video.width,
        "height": video.height,
        "created_at": video.created_at,
        "updated_at": video.updated_at,
        "published_at": video.published_at,
        "renditions": [[r.width, r.height, r.bitrate_kbps] for r in video.renditions] or None,
        "poster_version": video.poster_version,
        "blurhash": video.blurhash,
        "poster_at_seconds": video.poster_at_seconds,
    }
