"""`clipstream seed`: realistic demo data, loaded in bulk.

Users (all with the one demo password), ready videos whose bytes are a real 2-second clip in
storage, follows, video likes, comments with replies, comment likes and view counts; every
denormalised counter equals the rows it counts. Popularity is skewed (log-normal weights): a few
creators and videos get most of the follows, likes, comments and views. The same `--seed` gives the
same people, captions and social graph; times are spread over the 60 days before the run, and ids
are UUIDv7 built from each row's creation time.

The rows are generated in Python, not through the use cases (one transaction per row would take
hours at the benchmark scale), and loaded in one transaction with `COPY` on PostgreSQL or batched
inserts on SQLite (`adapters.sqlalchemy.bulk`). Meanwhile the video bytes are stored (the sample is
put once, then copied to every video's key); the rows are committed only once every video has its
bytes, so that a storage failure leaves the database untouched.
"""

from __future__ import annotations

import asyncio
import math
import random
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any
from uuid import UUID

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.sqlalchemy.bulk import insert_rows
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import alembic_config, upgrade_to_head
from adapters.sqlalchemy.tables import (
    comment_likes,
    comments,
    follows,
    users,
    video_hashtags,
    video_likes,
    video_words,
    videos,
)
from adapters.storage.factory import build_storage
from adapters.storage.upload_grants import HmacUploadGrants
from application.errors import DependencyUnavailable
from application.ports.object_storage import ObjectStorage, StorageError
from application.videos.storage_keys import source_key
from domain.errors import ValidationFailed
from domain.ranking import COMMENT_POINTS, LIKE_POINTS, VIEW_POINTS, rank
from domain.values import Email, Password, Username
from domain.videos import Caption, VideoStatus, Visibility
from domain.words import caption_words
from entrypoints.config import Settings

SAMPLE_CONTENT_TYPE = "video/mp4"
SAMPLE_DURATION_SECONDS = 2.0
SAMPLE_WIDTH = 360
SAMPLE_HEIGHT = 640
STORAGE_CONCURRENCY = 16
COPIES_PER_ORIGINAL = 10_000
WINDOW = timedelta(days=60)
REPLY_SHARE = 0.25
COMMENT_LIKE_SHARE = 0.10
EMAIL_DOMAIN = "example.com"
DEMO_PASSWORD = "password123"  # noqa: S105 - the documented password of every demo user

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = 1_000_000
_MINUTE = 60 * _SECOND
_DAY = 24 * 3600 * _SECOND


class SeedError(Exception):
    """Seeding cannot start or failed; the message says why and what to do."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SeedOptions:
    """What to create: counts are totals, `videos_per_user` an average."""

    users: int = 200
    videos_per_user: float = 3.0
    likes: int = 5000
    comments: int = 1500
    follows: int = 1500
    seed: int = 42
    password: str = DEMO_PASSWORD
    append: bool = False

    def check(self) -> None:
        """Raise `SeedError` naming the first option out of range."""
        if self.users < 1:
            raise SeedError("--users must be at least 1")
        if not 0 <= self.videos_per_user <= 1000 or math.isnan(self.videos_per_user):
            raise SeedError("--videos-per-user must be between 0 and 1000")
        for name, value in (
            ("likes", self.likes),
            ("comments", self.comments),
            ("follows", self.follows),
        ):
            if value < 0:
                raise SeedError(f"--{name} must not be negative")
        try:
            Password.parse(self.password)
        except ValidationFailed as error:
            raise SeedError(f"--password {error.errors[0].message}") from error


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seed run created (rows as inserted) and how long each phase took."""

    users: int
    videos: int
    public_videos: int
    hashtags: int
    follows: int
    video_likes: int
    comments: int
    replies: int
    comment_likes: int
    views: int
    demo_username: str
    password: str
    seconds: float  # the whole run (the video bytes are stored while the rows load)
    phases: tuple[tuple[str, float], ...]

    def summary(self) -> list[str]:
        """What was created, the time it took, and the demo login (the phases aside)."""
        return [
            f"Seeded {self.users:,} users, {self.videos:,} videos ({self.public_videos:,} public), "
            f"{self.follows:,} follows, {self.video_likes:,} video likes, "
            f"{self.comments:,} comments (of which {self.replies:,} replies), "
            f"{self.comment_likes:,} comment likes, {self.views:,} views in {self.seconds:.1f} s.",
            f"Log in as {self.demo_username} / {self.password} "
            "(every seeded user has this password).",
        ]


# --- the generated data ---------------------------------------------------------------------------


@dataclass(slots=True)
class _User:
    id: UUID
    username: str
    email: str
    display_name: str
    bio: str | None
    created_us: int
    popularity: float
    followers: int = 0
    following: int = 0
    published_videos: int = 0
    likes_received: int = 0


@dataclass(slots=True)
class _Video:
    id: UUID
    owner: int  # index in `SeedData.users`
    caption: str
    hashtags: tuple[str, ...]
    visibility: Visibility
    created_us: int
    published_us: int
    weight: float  # share of the engagement (0: nobody but the owner sees it)
    likes: int = 0
    comments: int = 0
    views: int = 0


@dataclass(slots=True)
class _Comment:
    id: UUID
    video: int  # index in `SeedData.videos`
    parent: int | None  # index in `SeedData.comments` of its top-level comment
    author: int
    body: str
    created_us: int
    replies: int = 0
    likes: int = 0


@dataclass(slots=True)
class SeedData:
    """Everything a run inserts, counters included; likes are drawn while they are inserted."""

    seed: int
    now_us: int
    password_hash: str
    size_bytes: int
    users: list[_User] = field(default_factory=list)
    videos: list[_Video] = field(default_factory=list)
    follows: list[tuple[int, int, int]] = field(default_factory=list)  # follower, followee, time
    comments: list[_Comment] = field(default_factory=list)  # top-level first, then replies

    @property
    def demo_user(self) -> _User:
        """The user with the richest Following feed (follows the most people)."""
        return max(self.users, key=lambda user: (user.following, user.published_videos))

    def like_rows(self) -> Iterator[tuple[UUID, UUID, datetime]]:
        """(user_id, video_id, created_at) of every video like: distinct likers, never the owner."""
        rng = _rng(self.seed, "video-likes")
        count = len(self.users)
        for video in self.videos:
            published = video.published_us
            for liker in _others(rng, count, video.owner, video.likes):
                since = max(published, self.users[liker].created_us) + _SECOND
                created = _uniform_us(rng, since, self.now_us)
                yield self.users[liker].id, video.id, _datetime(created)

    def comment_like_rows(self) -> Iterator[tuple[UUID, UUID, datetime]]:
        """(user_id, comment_id, created_at) of every comment like: distinct, never the author."""
        rng = _rng(self.seed, "comment-likes")
        count = len(self.users)
        for comment in self.comments:
            for liker in _others(rng, count, comment.author, comment.likes):
                since = max(comment.created_us, self.users[liker].created_us) + _SECOND
                created = _uniform_us(rng, since, self.now_us)
                yield self.users[liker].id, comment.id, _datetime(created)


def generate(
    options: SeedOptions,
    *,
    now: datetime,
    password_hash: str,
    size_bytes: int,
    run_tag: str | None = None,
) -> SeedData:
    """The demo data of `options`: a pure function of its arguments (the seed drives every draw).

    `run_tag` (appending to a populated database) is added to every username and email.
    """
    data = SeedData(
        seed=options.seed,
        now_us=_microseconds(now),
        password_hash=password_hash,
        size_bytes=size_bytes,
    )
    _make_users(data, options.users, run_tag)
    _make_videos(data, round(options.users * options.videos_per_user))
    _make_follows(data, options.follows)
    _make_video_likes(data, options.likes)
    _make_comments(data, options.comments)
    _make_views(data)
    return data


def _make_users(data: SeedData, count: int, run_tag: str | None) -> None:
    rng = _rng(data.seed, "users")
    start = data.now_us - _microseconds_of(WINDOW)
    latest = data.now_us - 5 * _DAY  # everybody has been around for a few days
    taken: set[str] = set()
    drafts = []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = _unique_username(rng, first[0], last[0], run_tag, taken)
        created = _uniform_us(rng, start, latest)
        drafts.append((created, username, first, last))
    drafts.sort()
    for created, username, first, last in drafts:
        data.users.append(
            _User(
                id=uuid7_at(created, rng),
                username=Username.parse(username).value,
                email=Email.parse(f"{username}@{EMAIL_DOMAIN}").value,
                display_name=_display_name(rng, first[1], last[1]),
                bio=rng.choice(BIOS) if rng.random() < 0.45 else None,
                created_us=created,
                popularity=rng.lognormvariate(0.0, 1.3),
            )
        )


def _unique_username(
    rng: random.Random, first: str, last: str, run_tag: str | None, taken: set[str]
) -> str:
    """`maya.lopez42`-style names; unique among `taken` (which it extends)."""
    styles: tuple[Callable[[], str], ...] = (
        lambda: f"{first}.{last}{rng.randint(1, 99)}",
        lambda: f"{first}.{last}",
        lambda: f"{first}_{last}",
        lambda: f"{first}{last}{rng.randint(1, 999)}",
        lambda: f"{first}{rng.randint(1, 9999)}",
        lambda: f"{last}.{first}",
        lambda: f"its.{first}{rng.randint(1, 99)}",
        lambda: f"{first}.{last[0]}_{rng.randint(10, 99)}",
    )
    weights = (30, 10, 10, 15, 10, 5, 5, 15)
    suffix = f"_{run_tag}" if run_tag else ""
    for attempt in range(1000):
        base = rng.choices(styles, weights)[0]()
        if attempt > 20:  # crowded: add digits until it is free
            base = f"{base}{rng.randint(0, 10 ** (2 + attempt // 100))}"
        username = base[: 30 - len(suffix)] + suffix
        if username not in taken:
            taken.add(username)
            return username
    raise SeedError("could not find a free username; use fewer --users")


def _display_name(rng: random.Random, first: str, last: str) -> str:
    roll = rng.random()
    if roll < 0.75:
        return f"{first} {last}"
    if roll < 0.85:
        return first
    if roll < 0.95:
        return f"{first} {rng.choice(NAME_EMOJI)}"
    return f"{first} {last[0]}."


def _make_videos(data: SeedData, count: int) -> None:
    rng = _rng(data.seed, "videos")
    users = data.users
    per_user = _apportion(count, [rng.lognormvariate(0.0, 1.0) for _ in users])
    drafts: list[tuple[int, int]] = []  # created, owner
    latest = data.now_us - 30 * _MINUTE
    for owner, videos_of_owner in enumerate(per_user):
        since = users[owner].created_us + 10 * _MINUTE
        drafts.extend((_uniform_us(rng, since, latest), owner) for _ in range(videos_of_owner))
    drafts.sort()
    for created, owner in drafts:
        caption = _caption(rng)
        visibility = rng.choices(_VISIBILITIES, _VISIBILITY_WEIGHTS)[0]
        weight = users[owner].popularity * rng.lognormvariate(0.0, 1.6)
        if visibility is Visibility.UNLISTED:
            weight *= 0.1  # only people with the link
        elif visibility is Visibility.PRIVATE:
            weight = 0.0
        data.videos.append(
            _Video(
                id=uuid7_at(created, rng),
                owner=owner,
                caption=caption,
                hashtags=Caption.parse(caption).hashtags,
                visibility=visibility,
                created_us=created,
                published_us=created + rng.randint(3 * _SECOND, 40 * _SECOND),
                weight=weight,
            )
        )
        if visibility is Visibility.PUBLIC:
            users[owner].published_videos += 1


def _caption(rng: random.Random) -> str:
    topic, tags = rng.choice(TOPICS)
    text = rng.choice(CAPTIONS[topic]) if rng.random() < 0.8 else rng.choice(GENERIC_CAPTIONS)
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(CAPTION_EMOJI)}"
    tag_count = rng.choices((0, 1, 2, 3), (15, 35, 30, 20))[0]
    pool = [*tags, *GENERIC_TAGS] if tag_count > 1 else list(tags)
    chosen = list(dict.fromkeys(rng.sample(pool, min(tag_count, len(pool)))))
    return " ".join([text, *(f"#{tag}" for tag in chosen)])


def _make_follows(data: SeedData, total: int) -> None:
    """Followees drawn by popularity (creators who post more draw more); followers uniformly."""
    rng = _rng(data.seed, "follows")
    users = data.users
    weights = [user.popularity * math.sqrt(1 + user.published_videos) for user in users]
    per_followee = _apportion(total, weights, [len(users) - 1] * len(users))
    for followee, count in enumerate(per_followee):
        users[followee].followers = count
        for follower in _others(rng, len(users), followee, count):
            users[follower].following += 1
            since = max(users[follower].created_us, users[followee].created_us) + _MINUTE
            data.follows.append((follower, followee, _uniform_us(rng, since, data.now_us)))
    data.follows.sort(key=lambda follow: follow[2])


def _make_video_likes(data: SeedData, total: int) -> None:
    """How many likes each video gets (the likers are drawn while inserting)."""
    others = len(data.users) - 1
    weights = [video.weight for video in data.videos]
    counts = _apportion(total, weights, [others] * len(weights))
    for video, likes in zip(data.videos, counts, strict=True):
        video.likes = likes
        data.users[video.owner].likes_received += likes


def _make_comments(data: SeedData, total: int) -> None:
    """75% top-level comments (by video popularity), 25% replies; about 10% as many likes."""
    rng = _rng(data.seed, "comments")
    users, videos = data.users, data.videos
    replies = round(total * REPLY_SHARE)
    per_video = _apportion(total - replies, [video.weight for video in videos])
    if sum(per_video) == 0:
        replies = 0  # nothing to reply to
    top_level: list[tuple[int, int, int]] = []  # created, video, author
    for index, count in enumerate(per_video):
        video = videos[index]
        for _ in range(count):
            author = rng.randrange(len(users))
            since = max(video.published_us, users[author].created_us) + _SECOND
            top_level.append((_uniform_us(rng, since, data.now_us), index, author))
        video.comments += count
    top_level.sort()
    for created, index, author in top_level:
        body = rng.choice(COMMENTS)
        data.comments.append(_Comment(uuid7_at(created, rng), index, None, author, body, created))

    parents = len(data.comments)
    weights = [videos[c.video].weight * rng.lognormvariate(0.0, 1.0) for c in data.comments]
    drafts: list[tuple[int, int, int]] = []  # created, parent, author
    for parent, count in enumerate(_apportion(replies, weights) if parents else []):
        comment = data.comments[parent]
        comment.replies = count
        videos[comment.video].comments += count
        owner = videos[comment.video].owner
        for _ in range(count):
            author = owner if rng.random() < 0.3 else rng.randrange(len(users))
            since = max(comment.created_us, users[author].created_us) + _SECOND
            drafts.append((_uniform_us(rng, since, data.now_us), parent, author))
    drafts.sort()
    for created, parent, author in drafts:
        comment = data.comments[parent]
        body = rng.choice(REPLIES)
        if rng.random() < 0.35:
            body = f"@{users[comment.author].username} {body}"
        data.comments.append(
            _Comment(uuid7_at(created, rng), comment.video, parent, author, body, created)
        )

    like_weights = [(1 + c.replies) * rng.lognormvariate(0.0, 1.0) for c in data.comments]
    caps = [len(users) - 1] * len(data.comments)
    for comment, likes in zip(
        data.comments,
        _apportion(round(total * COMMENT_LIKE_SHARE), like_weights, caps),
        strict=True,
    ):
        comment.likes = likes


def _make_views(data: SeedData) -> None:
    """Several times the likes, plus some views that led nowhere; the owner's only when private."""
    rng = _rng(data.seed, "views")
    for video in data.videos:
        if video.weight == 0.0:
            video.views = rng.randint(0, 5) + video.likes
        else:
            ratio = rng.uniform(3.0, 25.0)
            video.views = video.likes + round(video.likes * ratio) + rng.randint(0, 40)


# --- sampling helpers -------------------------------------------------------------------------------


def _rng(seed: int, purpose: str) -> random.Random:
    """An independent, reproducible stream of draws for one part of the data."""
    return random.Random(f"clipstream-seed:{seed}:{purpose}")  # noqa: S311 - demo data


def _apportion(
    total: int, weights: Sequence[float], caps: Sequence[int] | None = None
) -> list[int]:
    """`total` split into whole shares proportional to `weights` (largest remainders), none above
    its cap: fewer than `total` only when the caps (or zero weights) leave no room."""
    counts = [0] * len(weights)
    room = list(caps) if caps is not None else [total] * len(weights)
    active = [i for i, weight in enumerate(weights) if weight > 0 and room[i] > 0]
    remaining = total
    while remaining > 0 and active:
        weight_sum = math.fsum(weights[i] for i in active)
        given = 0
        remainders: list[tuple[float, int]] = []
        for i in active:
            exact = remaining * weights[i] / weight_sum
            share = min(int(exact), room[i])
            counts[i] += share
            room[i] -= share
            given += share
            if room[i] > 0:
                remainders.append((exact - share, i))
        remaining -= given
        if given == 0 or remaining <= len(remainders):
            # Hand the rest out one by one, largest remainder first (ties: lower index).
            remainders.sort(key=lambda item: (-item[0], item[1]))
            for _, i in remainders[:remaining]:
                counts[i] += 1
                room[i] -= 1
            remaining -= min(remaining, len(remainders))
        active = [i for i in active if room[i] > 0]
    return counts


def _others(rng: random.Random, population: int, excluded: int, count: int) -> list[int]:
    """`count` distinct indices of `range(population)`, never `excluded`."""
    if count <= 0:
        return []
    picked = rng.sample(range(population - 1), count)
    return [index + 1 if index >= excluded else index for index in picked]


def _uniform_us(rng: random.Random, low: int, high: int) -> int:
    return low if high <= low else low + int(rng.random() * (high - low))


def _microseconds(moment: datetime) -> int:
    return _microseconds_of(moment - _EPOCH)


def _microseconds_of(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * _SECOND + delta.microseconds


def _datetime(microseconds: int) -> datetime:
    return _EPOCH + timedelta(microseconds=microseconds)


def uuid7_at(microseconds: int, rng: random.Random) -> UUID:
    """A UUIDv7 of this instant (microseconds since the epoch): the millisecond, then the
    sub-millisecond fraction in `rand_a` (RFC 9562, section 6.2, method 3), so that ids sort like
    their creation times, even within a millisecond; random otherwise."""
    millisecond, rest = divmod(microseconds, 1000)
    fraction = rest * 4096 // 1000
    value = (millisecond << 80) | (0x7 << 76) | (fraction << 64) | (0b10 << 62)
    return UUID(int=value | rng.getrandbits(62))


# --- loading ----------------------------------------------------------------------------------------


class _Phases:
    """Times the phases of a run and tells the operator as each one ends."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self._out = out
        self.done: list[tuple[str, float]] = []

    async def run(self, name: str, work: Awaitable[Any]) -> Any:
        started = time.perf_counter()
        result = await work
        self.record(name, time.perf_counter() - started)
        return result

    def record(self, name: str, seconds: float) -> None:
        self.done.append((name, seconds))
        self._out(f"  {name:<15}{seconds:8.2f} s")


async def run_seed(
    settings: Settings, options: SeedOptions, *, out: Callable[[str], None] = print
) -> SeedReport:
    """Seed the database and storage of `settings`; `out` receives the progress lines.

    SQLite is migrated first (like `serve`); PostgreSQL must already be at the newest revision.

    Raises:
        SeedError: bad options, an unmigrated or unreachable database, or one that already has
            users (unless `options.append`).
    """
    options.check()
    sample = resources.files("entrypoints.seed_assets").joinpath("sample.mp4").read_bytes()
    if settings.is_sqlite:
        upgrade_to_head(settings.database_url)
    engine = create_engine(settings.database_url, pool_size=2)
    storage = build_storage(
        settings.storage_url,
        grants=HmacUploadGrants(settings.jwt_secret),
        public_url=settings.api_base_url,
        s3_endpoint_url=settings.s3_endpoint_url,
        s3_public_endpoint_url=settings.s3_public_endpoint_url,
    )
    try:
        return await _seed(engine, storage, settings, options, sample, out)
    except DBAPIError as error:
        raise SeedError(f"the database failed: {error.orig or error}") from error
    except (StorageError, DependencyUnavailable) as error:
        raise SeedError(f"the video storage failed: {error}") from error
    finally:
        await engine.dispose()
        close = getattr(storage, "close", None)  # S3 has clients to close
        if close is not None:
            await close()


async def _seed(
    engine: AsyncEngine,
    storage: ObjectStorage,
    settings: Settings,
    options: SeedOptions,
    sample: bytes,
    out: Callable[[str], None],
) -> SeedReport:
    await _require_migrated(engine, settings.database_url)
    populated = await _has_users(engine)
    if populated and not options.append:
        raise SeedError(
            "the database already has users; seed an empty database, or pass --append to add "
            "another batch of demo users (with distinct usernames) next to them"
        )
    run_tag = await _free_run_tag(engine) if populated else None
    await _check_storage(storage, sample)
    phases = _Phases(out)
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    out(f"Seeding {database} and {settings.storage_url} (seed {options.seed})...")

    run_started = started = time.perf_counter()
    password_hash = await BcryptPasswordHasher(rounds=settings.bcrypt_rounds).hash(options.password)
    phases.record("password hash", time.perf_counter() - started)
    started = time.perf_counter()
    data = generate(
        options,
        now=datetime.now(UTC),
        password_hash=password_hash,
        size_bytes=len(sample),
        run_tag=run_tag,
    )
    phases.record("generate", time.perf_counter() - started)

    # The bytes are stored while the rows load; the rows are committed only once they are stored.
    storing = asyncio.create_task(
        phases.run("video bytes", _store_video_bytes(storage, data, sample))
    )
    try:
        counts = await _load(engine, data, phases, rebuild_indexes=not populated, before=storing)
    finally:
        if not storing.done():
            storing.cancel()
        await asyncio.gather(storing, return_exceptions=True)
    if engine.dialect.name == "postgresql":
        await phases.run("analyze", _analyze(engine))
    demo = data.demo_user
    replies = sum(1 for comment in data.comments if comment.parent is not None)
    report = SeedReport(
        users=counts[users],
        videos=counts[videos],
        public_videos=sum(video.visibility is Visibility.PUBLIC for video in data.videos),
        hashtags=counts[video_hashtags],
        follows=counts[follows],
        video_likes=counts[video_likes],
        comments=counts[comments],
        replies=replies,
        comment_likes=counts[comment_likes],
        views=sum(video.views for video in data.videos),
        demo_username=demo.username,
        password=options.password,
        seconds=time.perf_counter() - run_started,
        phases=tuple(phases.done),
    )
    for line in report.summary():
        out(line)
    return report


async def _require_migrated(engine: AsyncEngine, database_url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    except DBAPIError as error:
        raise SeedError(f"cannot reach the database: {error.orig or error}") from error
    if current != head:
        raise SeedError(
            f"the database schema is at revision {current or 'none'}, not the newest ({head}): "
            "run `clipstream migrate` first"
        )


async def _has_users(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return (await connection.execute(select(users.c.id).limit(1))).first() is not None


async def _free_run_tag(engine: AsyncEngine) -> str:
    """A short random tag no existing username ends with."""
    async with engine.connect() as connection:
        while True:
            tag = "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(4))
            taken = await connection.execute(
                select(users.c.id).where(users.c.username.endswith(f"_{tag}")).limit(1)
            )
            if taken.first() is None:
                return tag


async def _check_storage(storage: ObjectStorage, sample: bytes) -> None:
    """Fail early, before any work, when the storage does not take objects."""
    key = f"seed/check-{secrets.token_hex(4)}.mp4"
    await storage.put(key, sample, content_type=SAMPLE_CONTENT_TYPE)
    await storage.delete(key)


async def _store_video_bytes(storage: ObjectStorage, data: SeedData, sample: bytes) -> None:
    """Put the sample, copy it to every video's key (a few at a time), drop the original.

    A fresh original every `COPIES_PER_ORIGINAL` copies: local copies are hard links, and a file
    has a limited number of those (65,000 on ext4).
    """
    keys = [source_key(video.id) for video in data.videos]
    run = secrets.token_hex(4)
    for first in range(0, len(keys), COPIES_PER_ORIGINAL):
        original = f"seed/sample-{run}-{first // COPIES_PER_ORIGINAL}.mp4"
        await storage.put(original, sample, content_type=SAMPLE_CONTENT_TYPE)
        try:
            await _copy_to(storage, original, keys[first : first + COPIES_PER_ORIGINAL])
        finally:
            await storage.delete(original)


async def _copy_to(storage: ObjectStorage, original: str, keys: Sequence[str]) -> None:
    pending = iter(keys)

    async def copier() -> None:
        for key in pending:  # the workers share one iterator: each key is copied once
            await storage.copy(original, key)

    await asyncio.gather(*(copier() for _ in range(STORAGE_CONCURRENCY)))


async def _load(
    engine: AsyncEngine,
    data: SeedData,
    phases: _Phases,
    *,
    rebuild_indexes: bool,
    before: Awaitable[Any],
) -> dict[Table, int]:
    """Insert every row in one transaction, parents before children, committed after `before`
    (which rolls it back if it fails); rows inserted per table."""
    counts: dict[Table, int] = {}
    async with engine.begin() as connection:

        async def load(
            name: str, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
        ) -> None:
            started = time.perf_counter()
            counts[table] = await insert_rows(
                connection, table, columns, rows, rebuild_indexes=rebuild_indexes
            )
            phases.record(name, time.perf_counter() - started)

        await load("users", users, _USER_COLUMNS, _user_rows(data))
        await load("videos", videos, _VIDEO_COLUMNS, _video_rows(data))
        await load("hashtags", video_hashtags, ("hashtag", "video_id", "position"), _tag_rows(data))
        await load("caption words", video_words, ("word", "video_id"), _word_rows(data))
        await load("follows", follows, _FOLLOW_COLUMNS, _follow_rows(data))
        await load("video likes", video_likes, _LIKE_COLUMNS, data.like_rows())
        await load("comments", comments, _COMMENT_COLUMNS, _comment_rows(data))
        await load("comment likes", comment_likes, _COMMENT_LIKE_COLUMNS, data.comment_like_rows())
        await before
    return counts


async def _analyze(engine: AsyncEngine) -> None:
    """Fresh planner statistics, so that the first requests after seeding get good plans."""
    names = ", ".join(
        table.name
        for table in (
            users,
            videos,
            video_hashtags,
            video_words,
            follows,
            video_likes,
            comments,
            comment_likes,
        )
    )
    async with engine.begin() as connection:
        await connection.execute(text(f"ANALYZE {names}"))


_USER_COLUMNS = (
    "id",
    "username",
    "email",
    "password_hash",
    "display_name",
    "bio",
    "created_at",
    "updated_at",
    "follower_count",
    "following_count",
    "video_count",
    "like_count",
)
_VIDEO_COLUMNS = (
    "id",
    "owner_id",
    "caption",
    "visibility",
    "status",
    "content_type",
    "size_bytes",
    "storage_key",
    "duration_seconds",
    "width",
    "height",
    "created_at",
    "updated_at",
    "published_at",
    "view_count",
    "like_count",
    "comment_count",
    "engagement_points",
    "rank",
)
_FOLLOW_COLUMNS = ("follower_id", "followee_id", "created_at")
_LIKE_COLUMNS = ("user_id", "video_id", "created_at")
_COMMENT_COLUMNS = (
    "id",
    "video_id",
    "parent_id",
    "author_id",
    "body",
    "created_at",
    "reply_count",
    "like_count",
)
_COMMENT_LIKE_COLUMNS = ("user_id", "comment_id", "created_at")


def _user_rows(data: SeedData) -> Iterator[tuple[Any, ...]]:
    for user in data.users:
        created = _datetime(user.created_us)
        yield (
            user.id,
            user.username,
            user.email,
            data.password_hash,
            user.display_name,
            user.bio,
            created,
            created,
            user.followers,
            user.following,
            user.published_videos,
            user.likes_received,
        )


def _video_rows(data: SeedData) -> Iterator[tuple[Any, ...]]:
    for video in data.videos:
        published = _datetime(video.published_us)
        points = (
            VIEW_POINTS * video.views + LIKE_POINTS * video.likes + COMMENT_POINTS * video.comments
        )
        yield (
            video.id,
            data.users[video.owner].id,
            video.caption,
            video.visibility.value,
            VideoStatus.READY.value,
            SAMPLE_CONTENT_TYPE,
            data.size_bytes,
            source_key(video.id),
            SAMPLE_DURATION_SECONDS,
            SAMPLE_WIDTH,
            SAMPLE_HEIGHT,
            _datetime(video.created_us),
            published,
            published,
            video.views,
            video.likes,
            video.comments,
            points,
            rank(points, published),
        )


def _tag_rows(data: SeedData) -> Iterator[tuple[str, UUID, int]]:
    for video in data.videos:
        for position, hashtag in enumerate(video.hashtags):
            yield hashtag, video.id, position


def _word_rows(data: SeedData) -> Iterator[tuple[str, UUID]]:
    for video in data.videos:
        for word in caption_words(video.caption):
            yield word, video.id


def _follow_rows(data: SeedData) -> Iterator[tuple[UUID, UUID, datetime]]:
    for follower, followee, created in data.follows:
        yield data.users[follower].id, data.users[followee].id, _datetime(created)


def _comment_rows(data: SeedData) -> Iterator[tuple[Any, ...]]:
    for comment in data.comments:
        parent = None if comment.parent is None else data.comments[comment.parent].id
        yield (
            comment.id,
            data.videos[comment.video].id,
            parent,
            data.users[comment.author].id,
            comment.body,
            _datetime(comment.created_us),
            comment.replies,
            comment.likes,
        )


# --- vocabulary -------------------------------------------------------------------------------------

# (username form, display form)
FIRST_NAMES: tuple[tuple[str, str], ...] = tuple(
    (name.lower(), name)
    for name in [
        "Maya",
        "Liam",
        "Sofia",
        "Jonas",
        "Amara",
        "Kenji",
        "Priya",
        "Lucas",
        "Zoe",
        "Mateo",
        "Aisha",
        "Noah",
        "Elena",
        "Omar",
        "Yuki",
        "Chloe",
        "Diego",
        "Hana",
        "Leo",
        "Nia",
        "Ivan",
        "Freya",
        "Ravi",
        "Ines",
        "Tariq",
        "Mila",
        "Felix",
        "Ana",
        "Kofi",
        "Lena",
        "Marco",
        "Sara",
        "Theo",
        "Layla",
        "Hugo",
        "Emma",
        "Jin",
        "Clara",
        "Ali",
        "Nora",
        "Sam",
        "Alex",
        "Jade",
        "Ezra",
        "Iris",
        "Malik",
        "Rosa",
        "Finn",
        "Zara",
        "Oscar",
        "Lila",
        "Arjun",
        "Eva",
        "Tomas",
        "Mei",
        "Kai",
        "Ada",
        "Rafael",
        "Yara",
        "Niko",
    ]
)
LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("lopez", "López"), ("muller", "Müller"), ("nguyen", "Nguyen"), ("garcia", "García"),
    ("silva", "Silva"), ("kim", "Kim"), ("tanaka", "Tanaka"), ("okafor", "Okafor"),
    ("rossi", "Rossi"), ("novak", "Novák"), ("dubois", "Dubois"), ("patel", "Patel"),
    ("hansen", "Hansen"), ("kowalski", "Kowalski"), ("haddad", "Haddad"), ("santos", "Santos"),
    ("ito", "Ito"), ("moreau", "Moreau"), ("johnson", "Johnson"), ("ahmed", "Ahmed"),
    ("fischer", "Fischer"), ("costa", "Costa"), ("park", "Park"), ("mensah", "Mensah"),
    ("larsen", "Larsen"), ("romero", "Romero"), ("chen", "Chen"), ("singh", "Singh"),
    ("walker", "Walker"), ("bianchi", "Bianchi"), ("yilmaz", "Yilmaz"), ("oconnor", "O'Connor"),
    ("schmidt", "Schmidt"), ("reyes", "Reyes"), ("wang", "Wang"), ("murphy", "Murphy"),
    ("sato", "Sato"), ("berg", "Berg"), ("adeyemi", "Adeyemi"), ("petrov", "Petrov"),
)  # fmt: skip
NAME_EMOJI = ("✨", "🌴", "🎧", "🍜", "📸", "🌙", "🔥", "🎨")
BIOS = (
    "Home cook sharing 60-second recipes 🍳",
    "Dancer. Coffee. Repeat.",
    "Travelling the world one street food stall at a time",
    "Dog mom x2 🐶🐶",
    "Making you laugh, hopefully",
    "Software engineer by day, skater by night",
    "Plant parent | 47 and counting 🌿",
    "Amateur astronomer. Ask me about Saturn.",
    "Just here for the cat videos",
    "Personal trainer | form checks and quick workouts",
    "Bookworm 📚 currently reading way too many thrillers",
    "Guitar covers every Friday 🎸",
    "DIY everything. If it's broken, I'll fix it (maybe)",
    "Film photography and bad puns",
    "Marathon runner in training 🏃",
    "I review snacks so you don't have to",
    "Climbing, hiking, getting lost",
    "Makeup artist ✨ tutorials weekly",
    "Retired teacher learning TikTok dances",
    "Indie game dev, posting devlogs",
    "Vintage thrifting finds every week",
    "Nurse. Night shifts. Survival tips.",
    "Barista sharing latte art fails and wins ☕",
    "Surfing whenever the waves allow 🌊",
)
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dance", ("dance", "dancechallenge", "choreography")),
    ("cooking", ("cooking", "recipe", "foodtok", "easyrecipes")),
    ("travel", ("travel", "wanderlust", "traveltok")),
    ("comedy", ("comedy", "funny", "relatable")),
    ("pets", ("pets", "dogsoftiktok", "catsoftiktok")),
    ("fitness", ("fitness", "workout", "gymtok")),
    ("diy", ("diy", "homedecor", "crafts")),
    ("music", ("music", "cover", "guitar")),
    ("fashion", ("fashion", "ootd", "thrift")),
    ("gaming", ("gaming", "gamer", "speedrun")),
    ("nature", ("nature", "hiking", "sunset")),
    ("tech", ("tech", "coding", "gadgets")),
    ("books", ("booktok", "reading", "bookrecommendations")),
    ("art", ("art", "drawing", "painting")),
)
GENERIC_TAGS = ("fyp", "foryou", "viral", "trending")
CAPTIONS: dict[str, tuple[str, ...]] = {
    "dance": (
        "Finally nailed this routine after 40 tries",
        "Dancing in the kitchen while the pasta boils",
        "Tried the new trend with my grandma",
        "Learn this in 30 seconds, step by step",
        "Rooftop session at golden hour",
    ),
    "cooking": (
        "Sunday pancakes for the win",
        "5-ingredient pasta you can make tonight",
        "The crispiest potatoes of your life",
        "Grandma's secret dumpling fold",
        "Meal prep for the whole week in one hour",
        "Trying a viral recipe so you don't have to",
    ),
    "travel": (
        "Hidden beach nobody talks about",
        "48 hours in Lisbon on a budget",
        "Sunrise from the train window",
        "The best street food in Bangkok, ranked",
        "Packing for two weeks in one backpack",
    ),
    "comedy": (
        "When the group chat goes silent after your joke",
        "Me pretending to understand the meeting",
        "POV: you said you'd be ready in five minutes",
        "Every family dinner ever",
        "My cat judging my life choices",
    ),
    "pets": (
        "He heard the treat bag from three rooms away",
        "First day home with our rescue pup",
        "She thinks she is a lap dog. She is 40 kg.",
        "Morning zoomies, as usual",
        "Teaching my parrot a new word",
    ),
    "fitness": (
        "10-minute core workout, no equipment",
        "Day 30 of running every morning",
        "Fixing the most common squat mistake",
        "A stretch routine for desk workers",
        "New personal best on deadlift",
    ),
    "diy": (
        "Turned an old ladder into a bookshelf",
        "Painting the hallway in one afternoon",
        "Rental-friendly kitchen upgrade under 50 dollars",
        "Fixing a wobbly chair the right way",
        "Making candles from leftover wax",
    ),
    "music": (
        "Acoustic cover of a song you forgot you loved",
        "Writing a song in 60 seconds",
        "Late night piano improvisation",
        "Street performance in the rain",
        "This chord progression lives in my head",
    ),
    "fashion": (
        "Thrift haul: everything under 10 dollars",
        "Three ways to style one white shirt",
        "Outfit of the day for a rainy Monday",
        "Capsule wardrobe for autumn",
        "Upcycling my old jeans",
    ),
    "gaming": (
        "That clutch in the final round",
        "Speedrunning the first level blindfolded",
        "Building a castle in survival mode",
        "My setup tour, finally",
        "The bug that saved my run",
    ),
    "nature": (
        "Sunset over the lake tonight",
        "A quiet morning hike above the clouds",
        "Found a tiny frog on the trail",
        "The waterfall was worth the climb",
        "First snow of the year",
    ),
    "tech": (
        "Three keyboard shortcuts that save me hours",
        "Unboxing the tiniest computer I own",
        "Explaining recursion with a sandwich",
        "My desk setup for working from home",
        "This app changed how I take notes",
    ),
    "books": (
        "Books that made me cry on public transport",
        "Five thrillers you can't put down",
        "My reading nook makeover",
        "Rating every book I read this month",
        "Annotating my favourite novel",
    ),
    "art": (
        "Painting the view from my window",
        "Timelapse of a six-hour drawing",
        "Watercolour for absolute beginners",
        "Turning a coffee stain into a portrait",
        "Sketchbook tour, no skipping pages",
    ),
}
GENERIC_CAPTIONS = (
    "Wait for the end",
    "Had to share this one",
    "Part 2 because you asked",
    "Can't believe this actually worked",
    "Just a normal Tuesday",
    "This made my day",
)
CAPTION_EMOJI = ("🔥", "😂", "✨", "🙌", "💯", "😍", "🤯", "❤️")
COMMENTS = (
    "This is amazing!",
    "How did you do that??",
    "Okay this made me laugh way too hard 😂",
    "Saving this for later",
    "Need a tutorial on this asap",
    "The ending though",
    "I've watched this 10 times already",
    "Underrated video",
    "This deserves way more views",
    "Tried it and it worked!",
    "Where is this place?",
    "What song is this?",
    "Obsessed with this",
    "You make it look so easy",
    "Not me doing this at 3am",
    "Drop the recipe please 🙏",
    "Petition for a part 2",
    "This is the content I'm here for",
    "My favourite creator right now",
    "Sending this to my best friend",
    "Wow. Just wow.",
    "The vibes are immaculate ✨",
    "Came here from the For You page",
    "Honestly so relaxing to watch",
)
REPLIES = (
    "Right?! 😂",
    "Same here",
    "Thank you so much!",
    "Part 2 coming soon!",
    "Haha exactly",
    "I thought the same thing",
    "It's in my bio!",
    "Totally agree",
    "Glad it worked for you!",
    "Good question, I'll make a video about it",
    "lol yes",
    "❤️",
)
_VISIBILITIES = (Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE)
_VISIBILITY_WEIGHTS = (90, 5, 5)
