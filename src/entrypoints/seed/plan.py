"""The plan of a seed run: who exists, who follows whom, how many likes, comments and views each
video gets, every counter. It is compact (arrays of numbers, one slot per user, video, follow or
comment, plus the ids); the rows themselves are made from it one at a time (`generate`).

Popularity is skewed (log-normal weights): a few creators and videos get most of the follows,
likes, comments and views. The same seed gives the same plan; times are spread over the 60 days
before `now`, and ids are UUIDv7 built from each row's creation time. Counters follow the rules
the use cases keep (`domain.videos.counts_as_published`, `domain.ranking.engagement_points`).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from domain.values import Username
from domain.videos import VideoStatus, Visibility, counts_as_published
from entrypoints.seed.options import SeedError, SeedOptions
from entrypoints.seed.sampling import (
    DAY,
    MINUTE,
    SECOND,
    apportion,
    microseconds,
    microseconds_of,
    others,
    rng,
    time_order,
    uniform_us,
    uuid7_at,
)
from entrypoints.seed.vocabulary import Vocabulary

WINDOW = timedelta(days=60)
REPLY_SHARE = 0.25  # of the comments
COMMENT_LIKE_SHARE = 0.10  # as many comment likes as this share of the comments
OWNER_REPLY_SHARE = 0.3  # of the replies, written by the video's owner
VISIBILITIES = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE)
VISIBILITY_WEIGHTS = (90, 5, 5)
_VISIBILITY_CUMULATIVE = tuple(itertools.accumulate(VISIBILITY_WEIGHTS))[:-1]
_VISIBILITY_TOTAL = sum(VISIBILITY_WEIGHTS)
NO_PARENT = -1
TICK = 20_000  # items between two yields of a planning step


def _ints() -> array[int]:
    return array("q")


def _floats() -> array[float]:
    return array("d")


@dataclass(slots=True)
class Plan:
    """Everything a run creates, but the rows' words (see the module docstring)."""

    seed: int
    now_us: int
    # Users, in creation order.
    user_ids: list[UUID] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)
    user_names: array[int] = field(default_factory=_ints)  # first * 65536 + last name index
    user_created: array[int] = field(default_factory=_ints)
    popularity: array[float] = field(default_factory=_floats)
    followers: array[int] = field(default_factory=_ints)
    following: array[int] = field(default_factory=_ints)
    published: array[int] = field(default_factory=_ints)  # the users' published videos
    likes_received: array[int] = field(default_factory=_ints)
    # Videos, in creation order.
    video_ids: list[UUID] = field(default_factory=list)
    video_owner: array[int] = field(default_factory=_ints)
    video_created: array[int] = field(default_factory=_ints)
    video_published: array[int] = field(default_factory=_ints)
    video_visibility: array[int] = field(default_factory=_ints)  # index in VISIBILITIES
    video_weight: array[float] = field(default_factory=_floats)  # share of the engagement
    video_likes: array[int] = field(default_factory=_ints)
    video_comments: array[int] = field(default_factory=_ints)
    video_views: array[int] = field(default_factory=_ints)
    # Follows: follower, followee, time.
    follow_follower: array[int] = field(default_factory=_ints)
    follow_followee: array[int] = field(default_factory=_ints)
    follow_created: array[int] = field(default_factory=_ints)
    # Comments: the top-level ones in creation order, then the replies in creation order.
    comment_ids: list[UUID] = field(default_factory=list)
    comment_video: array[int] = field(default_factory=_ints)
    comment_parent: array[int] = field(default_factory=_ints)  # NO_PARENT for top-level ones
    comment_author: array[int] = field(default_factory=_ints)
    comment_created: array[int] = field(default_factory=_ints)
    comment_replies: array[int] = field(default_factory=_ints)
    comment_likes: array[int] = field(default_factory=_ints)
    top_level_comments: int = 0

    @property
    def demo_user(self) -> int:
        """The user with the richest Following feed (follows the most people)."""
        return max(
            range(len(self.user_ids)), key=lambda user: (self.following[user], self.published[user])
        )

    @property
    def public_videos(self) -> int:
        return sum(1 for visibility in self.video_visibility if visibility == 0)

    @property
    def replies(self) -> int:
        return len(self.comment_ids) - self.top_level_comments


class Planner:
    """Makes the `Plan` of `options` in steps (`steps()` yields between slices of work, so that a
    caller can report progress and be interrupted); a pure function of its arguments.

    `run_tag` (appending to a populated database) is added to every username.
    """

    STEPS = ("users", "videos", "follows", "video likes", "comments", "views")

    def __init__(
        self, options: SeedOptions, vocabulary: Vocabulary, *, now: datetime, run_tag: str | None
    ) -> None:
        self.options = options
        self.vocabulary = vocabulary
        self.run_tag = run_tag
        self.plan = Plan(seed=options.seed, now_us=microseconds(now))
        self._start = self.plan.now_us - microseconds_of(WINDOW)  # of the time window

    def steps(self) -> Iterator[str]:
        """Do the planning, yielding the name of the step under way every so often."""
        work: tuple[Callable[[], Iterator[None]], ...] = (
            self._users,
            self._videos,
            self._follows,
            self._video_likes,
            self._comments,
            self._views,
        )
        for name, step in zip(self.STEPS, work, strict=True):
            yield name
            for _ in step():
                yield name

    def make(self) -> Plan:
        """The whole plan at once."""
        for _ in self.steps():
            pass
        return self.plan

    def _users(self) -> Iterator[None]:
        plan, vocabulary = self.plan, self.vocabulary
        draw = rng(plan.seed, "users")
        start = self._start
        latest = plan.now_us - 5 * DAY  # everybody has been around for a few days
        taken: set[str] = set()
        drafts: list[tuple[int, str, int]] = []
        firsts, lasts = len(vocabulary.first_names), len(vocabulary.last_names)
        for number in range(self.options.users):
            first, last = draw.randrange(firsts), draw.randrange(lasts)
            plain_first, plain_last = (
                vocabulary.first_names[first][0],
                vocabulary.last_names[last][0],
            )
            username = _unique_username(draw, plain_first, plain_last, self.run_tag, taken)
            drafts.append((uniform_us(draw, start, latest), username, first * 65536 + last))
            if number % TICK == 0:
                yield
        drafts.sort()
        for created, username, names in drafts:
            plan.user_ids.append(uuid7_at(created, draw))
            plan.usernames.append(Username.parse(username).value)
            plan.user_names.append(names)
            plan.user_created.append(created)
            plan.popularity.append(draw.lognormvariate(0.0, 1.3))
        count = len(drafts)
        for counter in (plan.followers, plan.following, plan.published, plan.likes_received):
            counter.extend(_zeros(count))

    def _videos(self) -> Iterator[None]:
        plan = self.plan
        draw = rng(plan.seed, "videos")
        users = len(plan.user_ids)
        weights = [draw.lognormvariate(0.0, 1.0) for _ in range(users)]
        per_user = apportion(self.options.videos, weights)
        times, owners = _ints(), _ints()
        latest = plan.now_us - 30 * MINUTE
        for owner, count in enumerate(per_user):
            since = plan.user_created[owner] + 10 * MINUTE
            times.extend(uniform_us(draw, since, latest) for _ in range(count))
            owners.extend(array("q", [owner]) * count)
        yield
        ready = VideoStatus.READY
        for number, index in enumerate(time_order(times, self._start)):
            created, owner = times[index], owners[index]
            visibility = bisect.bisect(_VISIBILITY_CUMULATIVE, draw.random() * _VISIBILITY_TOTAL)
            weight = plan.popularity[owner] * draw.lognormvariate(0.0, 1.6)
            if VISIBILITIES[visibility] is Visibility.UNLISTED:
                weight *= 0.1  # only people with the link
            elif VISIBILITIES[visibility] is Visibility.PRIVATE:
                weight = 0.0  # nobody but the owner sees it
            plan.video_ids.append(uuid7_at(created, draw))
            plan.video_owner.append(owner)
            plan.video_created.append(created)
            plan.video_published.append(created + draw.randint(3 * SECOND, 40 * SECOND))
            plan.video_visibility.append(visibility)
            plan.video_weight.append(weight)
            if counts_as_published(ready, VISIBILITIES[visibility]):
                plan.published[owner] += 1
            if number % TICK == 0:
                yield
        count = len(times)
        for counter in (plan.video_likes, plan.video_comments, plan.video_views):
            counter.extend(_zeros(count))

    def _follows(self) -> Iterator[None]:
        """Followees drawn by popularity (creators who post more draw more); followers uniformly."""
        plan = self.plan
        draw = rng(plan.seed, "follows")
        users = len(plan.user_ids)
        weights = [
            plan.popularity[user] * math.sqrt(1 + plan.published[user]) for user in range(users)
        ]
        per_followee = apportion(self.options.follows, weights, [users - 1] * users)
        yield
        created = plan.user_created
        for followee, count in enumerate(per_followee):
            plan.followers[followee] = count
            for follower in others(draw, users, followee, count):
                plan.following[follower] += 1
                since = max(created[follower], created[followee]) + MINUTE
                plan.follow_follower.append(follower)
                plan.follow_followee.append(followee)
                plan.follow_created.append(uniform_us(draw, since, plan.now_us))
            if followee % TICK == 0:
                yield

    def _video_likes(self) -> Iterator[None]:
        """How many likes each video gets (the likers are drawn as the rows are made)."""
        plan = self.plan
        caps = [len(plan.user_ids) - 1] * len(plan.video_ids)
        counts = apportion(self.options.likes, plan.video_weight, caps)
        yield
        for video, likes in enumerate(counts):
            plan.video_likes[video] = likes
            plan.likes_received[plan.video_owner[video]] += likes

    def _comments(self) -> Iterator[None]:
        """75% top-level comments (by video popularity), 25% replies; about 10% as many likes."""
        plan = self.plan
        draw = rng(plan.seed, "comments")
        users = len(plan.user_ids)
        total = self.options.comments
        replies = round(total * REPLY_SHARE)
        per_video = apportion(total - replies, plan.video_weight)
        if sum(per_video) == 0:
            replies = 0  # nothing to reply to
        yield
        times, videos, authors = _ints(), _ints(), _ints()
        for video, count in enumerate(per_video):
            published = plan.video_published[video]
            for _ in range(count):
                author = draw.randrange(users)
                since = max(published, plan.user_created[author]) + SECOND
                times.append(uniform_us(draw, since, plan.now_us))
                authors.append(author)
            videos.extend(array("q", [video]) * count)
            plan.video_comments[video] += count
        yield
        for number, index in enumerate(time_order(times, self._start)):
            self._add_comment(draw, times[index], videos[index], NO_PARENT, authors[index])
            if number % TICK == 0:
                yield
        plan.top_level_comments = len(times)
        yield from self._replies(draw, replies)
        yield from self._comment_likes(draw, round(total * COMMENT_LIKE_SHARE))

    def _replies(self, draw: random.Random, total: int) -> Iterator[None]:
        plan = self.plan
        users, parents = len(plan.user_ids), plan.top_level_comments
        if not parents:
            return
        weights = [
            plan.video_weight[plan.comment_video[parent]] * draw.lognormvariate(0.0, 1.0)
            for parent in range(parents)
        ]
        per_parent = apportion(total, weights)
        yield
        times, parents_of, authors = _ints(), _ints(), _ints()
        for parent, count in enumerate(per_parent):
            if not count:
                continue
            plan.comment_replies[parent] = count
            video = plan.comment_video[parent]
            plan.video_comments[video] += count
            owner = plan.video_owner[video]
            for _ in range(count):
                author = owner if draw.random() < OWNER_REPLY_SHARE else draw.randrange(users)
                since = max(plan.comment_created[parent], plan.user_created[author]) + SECOND
                times.append(uniform_us(draw, since, plan.now_us))
                authors.append(author)
            parents_of.extend(array("q", [parent]) * count)
        yield
        for number, index in enumerate(time_order(times, self._start)):
            parent = parents_of[index]
            video = plan.comment_video[parent]
            self._add_comment(draw, times[index], video, parent, authors[index])
            if number % TICK == 0:
                yield

    def _comment_likes(self, draw: random.Random, total: int) -> Iterator[None]:
        plan = self.plan
        count = len(plan.comment_ids)
        weights = [
            (1 + plan.comment_replies[c]) * draw.lognormvariate(0.0, 1.0) for c in range(count)
        ]
        caps = [len(plan.user_ids) - 1] * count
        for comment, likes in enumerate(apportion(total, weights, caps)):
            plan.comment_likes[comment] = likes
        yield

    def _add_comment(
        self, draw: random.Random, created: int, video: int, parent: int, author: int
    ) -> None:
        plan = self.plan
        plan.comment_ids.append(uuid7_at(created, draw))
        plan.comment_video.append(video)
        plan.comment_parent.append(parent)
        plan.comment_author.append(author)
        plan.comment_created.append(created)
        plan.comment_replies.append(0)
        plan.comment_likes.append(0)

    def _views(self) -> Iterator[None]:
        """Several times the likes, plus some views that led nowhere; few when nobody but the owner
        can see the video."""
        plan = self.plan
        draw = rng(plan.seed, "views")
        for video, likes in enumerate(plan.video_likes):
            if plan.video_weight[video] == 0.0:
                plan.video_views[video] = draw.randint(0, 5) + likes
            else:
                ratio = draw.uniform(3.0, 25.0)
                plan.video_views[video] = likes + round(likes * ratio) + draw.randint(0, 40)
            if video % TICK == 0:
                yield


def _zeros(count: int) -> array[int]:
    return array("q", bytes(8 * count))


def _unique_username(
    draw: random.Random, first: str, last: str, run_tag: str | None, taken: set[str]
) -> str:
    """`maya.lopez42`-style names; unique among `taken` (which it extends)."""
    styles: tuple[Callable[[], str], ...] = (
        lambda: f"{first}.{last}{draw.randint(1, 99)}",
        lambda: f"{first}.{last}",
        lambda: f"{first}_{last}",
        lambda: f"{first}{last}{draw.randint(1, 999)}",
        lambda: f"{first}{draw.randint(1, 9999)}",
        lambda: f"{last}.{first}",
        lambda: f"its.{first}{draw.randint(1, 99)}",
        lambda: f"{first}.{last[0]}_{draw.randint(10, 99)}",
    )
    weights = (30, 10, 10, 15, 10, 5, 5, 15)
    suffix = f"_{run_tag}" if run_tag else ""
    for attempt in range(1000):
        base = draw.choices(styles, weights)[0]()
        if attempt > 20:  # crowded: add digits until it is free
            base = f"{base}{draw.randint(0, 10 ** (2 + attempt // 100))}"
        username = base[: 30 - len(suffix)] + suffix
        if username not in taken:
            taken.add(username)
            return username
    raise SeedError("could not find a free username; use fewer --users")
