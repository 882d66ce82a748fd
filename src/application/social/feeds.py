"""The two feeds: For You (ranked) and Following (newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.clock import Clock
from application.ports.feed_queries import FeedQueries, PersonalFilter
from application.ports.video_queries import VideoKey, VideoView
from domain import ranking

RANKED_WINDOW = timedelta(days=7)
WATCHED_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ForYouPosition:
    """Where a For You walk is: its snapshot time, and the last item of the ranked part (phase 0:
    `score`, `video_id`) or of the older part (phase 1: `published_at`, `video_id`; nothing yet
    when both are None)."""

    snapshot: datetime
    phase: int
    score: float | None = None
    published_at: datetime | None = None
    video_id: UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ForYouQuery:
    limit: int
    position: ForYouPosition | None = None
    viewer_id: UUID | None = None


class ForYouFeed:
    """For You: public ready videos ranked by engagement with time decay (see `DESCRIPTION`)."""

    def __init__(self, feeds: FeedQueries, clock: Clock) -> None:
        self._feeds = feeds
        self._clock = clock

    async def execute(self, query: ForYouQuery) -> Page[VideoView, ForYouPosition]:
        position = query.position or ForYouPosition(snapshot=self._clock.now(), phase=0)
        snapshot, since = position.snapshot, position.snapshot - RANKED_WINDOW
        personal = (
            PersonalFilter(watched_since=snapshot - WATCHED_WINDOW)
            if query.viewer_id is not None
            else None
        )
        ranked: list[VideoView] = []
        if position.phase == 0:
            after = (position.score, position.video_id) if position.video_id else None
            rows = await self._feeds.ranked(
                query.viewer_id,
                snapshot=snapshot,
                since=since,
                after=after,  # type: ignore[arg-type]
                limit=query.limit + 1,
                personal=personal,
            )
            if len(rows) > query.limit:  # the page is all ranked, and more ranked ones follow
                last = rows[query.limit - 1]
                return Page(
                    [r.view for r in rows[: query.limit]],
                    ForYouPosition(snapshot, 0, score=last.score, video_id=last.view.video.id),
                )
            ranked = [r.view for r in rows]
            position = ForYouPosition(snapshot, 1)  # the ranked part is exhausted

        older_after = (
            (position.published_at, position.video_id)
            if position.published_at and position.video_id
            else None
        )
        older = await self._feeds.older(
            query.viewer_id,
            until=since,
            after=older_after,
            limit=query.limit - len(ranked) + 1,
            personal=personal,
        )
        combined = [*ranked, *older]
        if len(combined) <= query.limit:
            return Page(combined, None)
        page = combined[: query.limit]
        if len(ranked) >= query.limit:  # the page ended on the last ranked video
            return Page(page, ForYouPosition(snapshot, 1))
        last_video = page[-1].video
        return Page(
            page,
            ForYouPosition(
                snapshot, 1, published_at=last_video.published_at, video_id=last_video.id
            ),
        )


DESCRIPTION = (
    "Public ready videos ranked by engagement with time decay. The first page fixes the walk's "
    "snapshot time and the cursor carries it. Videos published in the 7 days before the snapshot "
    "come first, ranked by " + ranking.FORMULA + " Older videos follow, newest first. Videos "
    "published after the walk began wait for the next walk, and no video repeats within a walk: "
    "scores only grow, so a video already shown never falls below the cursor. Signed in, the "
    "walk leaves out your own videos, the videos you marked not interested "
    "(`POST /feed/feedback`), and those you watched to the end or for at least half of their "
    "duration in the 7 days before the walk began (`POST /videos/{id}/views` with `watchedMs` or "
    "`completed`); the order is the same as for everyone (no per-viewer ranking yet)."
)
ForYouFeed.__doc__ = DESCRIPTION


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowingFeedQuery:
    viewer_id: UUID
    limit: int
    after: VideoKey | None = None


class FollowingFeed:
    """Following: public ready videos of the accounts you follow, newest published first."""

    def __init__(self, feeds: FeedQueries) -> None:
        self._feeds = feeds

    async def execute(self, query: FollowingFeedQuery) -> Page[VideoView, VideoKey]:
        rows = await self._feeds.following(
            query.viewer_id, after=query.after, limit=query.limit + 1
        )
        return page_from(
            rows,
            query.limit,
            key_of=lambda v: (v.video.published_at or v.video.created_at, v.video.id),
        )
