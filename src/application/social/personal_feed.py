"""The personalised head of a signed-in viewer's For You walk: ranked once, pinned, served."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from application.common.pagination import Page
from application.ports.feed_queries import FeedQueries, PersonalFilter, RankedVideo
from application.ports.id_generator import IdGenerator
from application.ports.taste_queries import TasteQueries
from application.ports.video_queries import VideoView
from application.ports.walk_store import PinnedWalk, WalkStore
from application.social.feed_position import OLDER, PINNED, RANKED, ForYouPosition
from domain.taste import EXPLORE_MAX_VIEWS, Candidate, Taste, paginate, rank_candidates
from domain.watching import WATCH_RETENTION

CANDIDATES = 300
"""The head of a walk: the viewer's top candidates of the ranked week (by the global rank)."""
INTERACTIONS = 200
"""Interactions of each kind the taste is learned from (the latest ones)."""
EXTRA_CANDIDATES = 100
"""Candidates from beyond the top: the newest videos of the week by followed accounts, and fresh
videos with few views (exploration)."""
EXPLORE_FRESH = timedelta(hours=48)
WALK_TTL = timedelta(hours=6)


def _candidate(row: RankedVideo) -> Candidate:
    video = row.view.video
    return Candidate(
        video_id=video.id,
        creator_id=video.owner_id,
        hashtags=video.hashtags,
        global_rank=row.score,
        views=video.view_count,
        likes=video.like_count,
        comments=video.comment_count,
    )


class PersonalWalks:
    """Starts a signed-in walk by ranking its head for the viewer (`domain.taste`) and pinning its
    pages in the walk store; serves the pinned pages; then hands over to the global ranking at the
    head's last candidate. A walk whose pinned pages expired goes on there too."""

    def __init__(
        self, feeds: FeedQueries, tastes: TasteQueries, walks: WalkStore, ids: IdGenerator
    ) -> None:
        self._feeds = feeds
        self._tastes = tastes
        self._walks = walks
        self._ids = ids

    async def start(
        self,
        viewer_id: UUID,
        snapshot: datetime,
        since: datetime,
        personal: PersonalFilter,
        limit: int,
    ) -> Page[VideoView, ForYouPosition] | None:
        """The first page of a new walk; None when the ranked week has nothing for the viewer."""
        interactions = await self._tastes.interactions(
            viewer_id, watched_since=snapshot - WATCH_RETENTION, limit=INTERACTIONS
        )
        rows = await self._feeds.ranked(
            viewer_id,
            snapshot=snapshot,
            since=since,
            after=None,
            limit=CANDIDATES + 1,
            personal=personal,
        )
        if not rows:
            return None
        extra = await self._feeds.fresh_and_followed(
            viewer_id,
            snapshot=snapshot,
            since=since,
            fresh_since=snapshot - EXPLORE_FRESH,
            max_views=EXPLORE_MAX_VIEWS,
            limit=EXTRA_CANDIDATES,
            personal=personal,
        )
        more = len(rows) > CANDIDATES
        top = rows[:CANDIDATES]
        in_top = {row.view.video.id for row in top}
        # Beyond the top (none when the top held the whole week): pinned, so that the rest of
        # the walk leaves them out.
        beyond = [row for row in extra if row.view.video.id not in in_top]
        rows = [*top, *beyond]
        taste = Taste.learn(interactions)
        candidates = [_candidate(row) for row in rows]
        fresh_after = snapshot - EXPLORE_FRESH
        published = {row.view.video.id: row.view.video.published_at for row in rows}

        def exploring(candidate: Candidate) -> bool:
            at = published[candidate.video_id]
            return candidate.views < EXPLORE_MAX_VIEWS and at is not None and at > fresh_after

        epoch = snapshot.timestamp()
        ranked = rank_candidates([c for c in candidates if not exploring(c)], taste, epoch)
        explore = rank_candidates([c for c in candidates if exploring(c)], taste, epoch)
        last = top[-1]
        walk = PinnedWalk(
            pages=paginate(ranked, explore, limit),
            resume_rank=last.score if more else None,
            resume_id=last.view.video.id if more else None,
            pinned=[row.view.video.id for row in beyond],
        )
        walk_id = self._ids.new_id()
        await self._walks.save(walk_id, walk, int(WALK_TTL.total_seconds()))
        views = {row.view.video.id: row.view for row in rows}
        position = ForYouPosition(
            snapshot, PINNED, score=walk.resume_rank, video_id=walk.resume_id, walk_id=walk_id
        )
        return self._page(walk, position, limit, [views[i] for i in walk.pages[0][:limit]])

    async def pinned(self, position: ForYouPosition) -> tuple[UUID, ...]:
        """The head's videos that the rest of the walk leaves out (none if it expired)."""
        walk = await self._walks.load(position.walk_id) if position.walk_id else None
        return tuple(walk.pinned) if walk is not None else ()

    async def serve(
        self, viewer_id: UUID, position: ForYouPosition, limit: int
    ) -> Page[VideoView, ForYouPosition] | ForYouPosition:
        """The next pinned items; or, past the head (or when it expired), where the walk goes on."""
        walk = await self._walks.load(position.walk_id) if position.walk_id else None
        if walk is None or position.page >= len(walk.pages):
            return _after_head(position)
        ids = walk.pages[position.page][position.offset : position.offset + limit]
        found = {view.video.id: view for view in await self._feeds.published_among(viewer_id, ids)}
        return self._page(walk, position, limit, [found[i] for i in ids if i in found])

    @staticmethod
    def _page(
        walk: PinnedWalk, position: ForYouPosition, limit: int, items: Sequence[VideoView]
    ) -> Page[VideoView, ForYouPosition]:
        page, offset = position.page, position.offset + limit
        if offset >= len(walk.pages[page]):
            page, offset = page + 1, 0
        if page >= len(walk.pages):
            return Page(list(items), _after_head(position))
        return Page(
            list(items),
            ForYouPosition(
                position.snapshot,
                PINNED,
                score=position.score,
                video_id=position.video_id,
                walk_id=position.walk_id,
                page=page,
                offset=offset,
            ),
        )


def _after_head(position: ForYouPosition) -> ForYouPosition:
    """Where the global ranking takes over: after the head's last top candidate in the ranked
    week, or at the older videos when the head held the rest of the week (the walk's id stays:
    the rest of the walk leaves out the head's pinned videos)."""
    if position.score is not None and position.video_id is not None:
        return ForYouPosition(
            position.snapshot,
            RANKED,
            score=position.score,
            video_id=position.video_id,
            walk_id=position.walk_id,
        )
    return ForYouPosition(position.snapshot, OLDER, walk_id=position.walk_id)
