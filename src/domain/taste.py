"""A viewer's taste, learned from what they did, and the personalised For You score and pages.

Affinity: each signal of the viewer adds its weight to the video's creator and to each of its
hashtags (a follow: to the creator only). Weights: like +1, comment +1, follow +2, watched (to the
end, or at least half) +1, skip (under 2 s, not completed) -0.5, not interested -3.

Score of a candidate (higher first): ln(s) + 1.5 * tanh(creator affinity / 3) + 1.0 * tanh(sum of
its hashtags' affinities / 3) + 2.0 * engagement rate, where ln(s) is the global For You score in
natural-log units (engagement with time decay, `domain.ranking`), and the engagement rate is
(likes + comments) / (views + 10), at most 1. Ties: newest id first.

Pages: at most 2 videos of one creator per page (the others wait for a later page, in order), and
every 5th item of a page is an exploration pick (a fresh video with few views) while any are left.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from domain.ranking import DECAY_PER_SECOND
from domain.watching import SKIP_MS, saw_enough

CREATOR_WEIGHT = 1.5
HASHTAG_WEIGHT = 1.0
ENGAGEMENT_WEIGHT = 2.0
AFFINITY_SCALE = 3.0
RATE_PRIOR_VIEWS = 10
PER_CREATOR = 2
EXPLORE_EVERY = 5
EXPLORE_MAX_VIEWS = 20
"""A video with fewer counted views than this (and fresh) is an exploration pick."""


class Signal(StrEnum):
    LIKE = "like"
    COMMENT = "comment"
    FOLLOW = "follow"
    WATCHED = "watched"
    SKIP = "skip"
    NOT_INTERESTED = "not_interested"


WEIGHTS: dict[Signal, float] = {
    Signal.LIKE: 1.0,
    Signal.COMMENT: 1.0,
    Signal.FOLLOW: 2.0,
    Signal.WATCHED: 1.0,
    Signal.SKIP: -0.5,
    Signal.NOT_INTERESTED: -3.0,
}


def watch_signal(
    watched_ms: int | None, completed: bool | None, duration_seconds: float | None
) -> Signal | None:
    """What a watch says: watched (to the end, or at least half), a skip (under 2 s and not
    completed), or nothing."""
    if saw_enough(watched_ms, completed, duration_seconds):
        return Signal.WATCHED
    if watched_ms is not None and watched_ms < SKIP_MS:
        return Signal.SKIP
    return None


@dataclass(frozen=True, slots=True)
class Interaction:
    """One signal of the viewer about a creator (and the hashtags of the video, if any)."""

    signal: Signal
    creator_id: UUID
    hashtags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Taste:
    """Affinity of a viewer to creators and hashtags."""

    creators: dict[UUID, float] = field(default_factory=dict)
    hashtags: dict[str, float] = field(default_factory=dict)

    @classmethod
    def learn(cls, interactions: Iterable[Interaction]) -> Taste:
        creators: defaultdict[UUID, float] = defaultdict(float)
        hashtags: defaultdict[str, float] = defaultdict(float)
        for interaction in interactions:
            weight = WEIGHTS[interaction.signal]
            creators[interaction.creator_id] += weight
            if interaction.signal is not Signal.FOLLOW:
                for tag in interaction.hashtags:
                    hashtags[tag] += weight
        return cls(creators=dict(creators), hashtags=dict(hashtags))


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the score needs of a video."""

    video_id: UUID
    creator_id: UUID
    hashtags: tuple[str, ...]
    global_rank: float
    views: int
    likes: int
    comments: int


def personal_score(candidate: Candidate, taste: Taste, snapshot_epoch: float) -> float:
    """The candidate's personalised score (see the module docstring)."""
    log_score = candidate.global_rank - snapshot_epoch * DECAY_PER_SECOND
    creator = taste.creators.get(candidate.creator_id, 0.0)
    tags = sum(taste.hashtags.get(tag, 0.0) for tag in candidate.hashtags)
    rate = min(1.0, (candidate.likes + candidate.comments) / (candidate.views + RATE_PRIOR_VIEWS))
    return (
        log_score
        + CREATOR_WEIGHT * math.tanh(creator / AFFINITY_SCALE)
        + HASHTAG_WEIGHT * math.tanh(tags / AFFINITY_SCALE)
        + ENGAGEMENT_WEIGHT * rate
    )


def rank_candidates(
    candidates: Sequence[Candidate], taste: Taste, snapshot_epoch: float
) -> list[Candidate]:
    """Candidates by personalised score, highest first (ties: newest id first)."""
    return sorted(
        candidates,
        key=lambda c: (personal_score(c, taste, snapshot_epoch), c.video_id),
        reverse=True,
    )


def paginate(
    ranked: Sequence[Candidate], exploration: Sequence[Candidate], page_size: int
) -> list[list[UUID]]:
    """Every candidate exactly once, in pages of at most `page_size`: at most `PER_CREATOR` of a
    creator per page (the others move to later pages, in order), and every `EXPLORE_EVERY`th slot
    an exploration pick while any are left. Every page but the last holds at least one item, so
    the pages end."""
    main = deque(ranked)
    in_main = {c.video_id for c in ranked}
    explore = deque(c for c in exploration if c.video_id not in in_main)
    pages: list[list[UUID]] = []
    while main or explore:
        page: list[UUID] = []
        per_creator: Counter[UUID] = Counter()
        while len(page) < page_size:
            exploring = len(page) % EXPLORE_EVERY == EXPLORE_EVERY - 1
            sources = (explore, main) if exploring else (main, explore)
            picked = None
            for source in sources:
                picked = _take_first(source, per_creator)
                if picked is not None:
                    break
            if picked is None:
                break
            per_creator[picked.creator_id] += 1
            page.append(picked.video_id)
        pages.append(page)
    return pages


def _take_first(source: deque[Candidate], per_creator: Counter[UUID]) -> Candidate | None:
    """The first candidate of `source` whose creator has fewer than `PER_CREATOR` on the page."""
    for index, candidate in enumerate(source):
        if per_creator[candidate.creator_id] < PER_CREATOR:
            del source[index]
            return candidate
    return None
