"""The two feeds: For You (ranked) and Following (newest first)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.clock import Clock
from application.ports.feed_queries import FeedQueries, PersonalFilter
from application.ports.video_queries import VideoKey, VideoView
from application.social.feed_position import PINNED, ForYouPosition
from application.social.personal_feed import PersonalWalks
from domain import ranking, taste

RANKED_WINDOW = timedelta(days=7)
WATCHED_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForYouQuery:
    limit: int
    position: ForYouPosition | None = None
    viewer_id: UUID | None = None


class ForYouFeed:
    """For You: public ready videos ranked by engagement with time decay (see `DESCRIPTION`)."""

    def __init__(
        self, feeds: FeedQueries, clock: Clock, personal_walks: PersonalWalks | None = None
    ) -> None:
        self._feeds = feeds
        self._clock = clock
        self._walks = personal_walks

    async def execute(self, query: ForYouQuery) -> Page[VideoView, ForYouPosition]:
        position = query.position or ForYouPosition(snapshot=self._clock.now(), phase=0)
        snapshot, since = position.snapshot, position.snapshot - RANKED_WINDOW
        personal = (
            PersonalFilter(watched_since=snapshot - WATCHED_WINDOW)
            if query.viewer_id is not None
            else None
        )
        if self._walks is not None and query.viewer_id is not None and personal is not None:
            if query.position is None:
                first = await self._walks.start(
                    query.viewer_id, snapshot, since, personal, query.limit
                )
                if first is not None:
                    return first
            elif position.phase == PINNED:
                served = await self._walks.serve(query.viewer_id, position, query.limit)
                if isinstance(served, Page):
                    return served
                position = served
            if position.walk_id is not None:  # past the head: leave out its pinned videos
                personal = dataclasses.replace(personal, pinned=await self._walks.pinned(position))
        walk_id = position.walk_id
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
                    ForYouPosition(
                        snapshot, 0, score=last.score, video_id=last.view.video.id, walk_id=walk_id
                    ),
                )
            ranked = [r.view for r in rows]
            position = ForYouPosition(snapshot, 1, walk_id=walk_id)  # the ranked part is done

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
            return Page(page, ForYouPosition(snapshot, 1, walk_id=walk_id))
        last_video = page[-1].video
        return Page(
            page,
            ForYouPosition(
                snapshot,
                1,
                published_at=last_video.published_at,
                video_id=last_video.id,
                walk_id=walk_id,
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
    "`completed`). Its head, your top 300 videos of the week by the global score plus up to 100 "
    "of the week's videos of accounts you follow and fresh videos (48 h) with fewer than 20 views, "
    "is ranked for "
    "you when the walk begins (from your latest likes, comments, follows, watches and "
    "not-interested marks, up to that moment) and pinned for 6 hours: "
    + " ".join(taste.__doc__.split("\n\n", 1)[1].split())
    + " After the head the global order takes over (without the per-creator cap or exploration); "
    "if the pinned head expired, the walk goes on there."
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
