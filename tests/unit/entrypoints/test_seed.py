"""The seed on the in-memory adapters: at any shape (a user alone, more likes than anyone can
give, comments on videos nobody can see), every counter equals the rows it counts and the rules
of the social graph hold; plus its parts: shares, vocabulary, progress lines."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from datetime import UTC, datetime

import pytest

from adapters.memory.bulk_loader import MemoryBulkLoader
from adapters.memory.store import MemoryDatabase, MemoryState
from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.storage.memory import MemoryObjectStorage
from adapters.storage.upload_grants import HmacUploadGrants
from application.users.avatar_keys import avatar_keys, avatar_url
from application.videos.settings import ProcessingPolicy
from application.videos.storage_keys import output_key, poster_key, source_key, stream_key
from domain.comments import parse_body
from domain.ranking import engagement_points
from domain.values import Username
from domain.videos import Caption, Visibility
from entrypoints.composition.seed import SeedAdapters
from entrypoints.seed import SeedError, SeedOptions, SeedReport, sample_clip, seed
from entrypoints.seed.generate import _caption
from entrypoints.seed.interrupts import Interrupts
from entrypoints.seed.media import AVATAR_FRAMES
from entrypoints.seed.progress import PlainReporter, counted
from entrypoints.seed.sampling import apportion, as_datetime, microseconds, rng
from entrypoints.seed.vocabulary import vocabulary
from tests.support.fake_media import FakeImageProcessor, FakeMediaProcessor

PROCESSING = ProcessingPolicy()
SECRET = b"seed-unit-test-secret-0123456789-0123456789"

SHAPES = {
    "one user, nothing to do": SeedOptions(users=1, videos_per_user=2, likes=50, follows=9),
    "two users, more than they can give": SeedOptions(
        users=2, videos_per_user=1.5, likes=500, comments=40, follows=10
    ),
    "no videos": SeedOptions(users=20, videos_per_user=0, likes=100, comments=100, follows=50),
    "a crowd": SeedOptions(
        users=120, videos_per_user=0.5, likes=3000, comments=700, follows=4000, seed=3
    ),
    "busy": SeedOptions(users=40, videos_per_user=4, likes=1200, comments=900, follows=1560),
}


async def _seed_in_memory(
    options: SeedOptions, storage: MemoryObjectStorage | None = None
) -> tuple[SeedReport, MemoryState, list[str]]:
    store = MemoryDatabase()
    adapters = SeedAdapters(
        loader=MemoryBulkLoader(store),
        storage=storage or MemoryObjectStorage(HmacUploadGrants(SECRET), "http://api.test"),
        hasher=BcryptPasswordHasher(rounds=4),
        media=FakeMediaProcessor.tiny(),
        images=FakeImageProcessor(),
        processing=PROCESSING,
        public_url="http://api.test",
        database="memory",
        storage_url="memory",
    )
    lines: list[str] = []
    report = await seed(
        adapters,
        options,
        sample=sample_clip(),
        out=lines.append,
        reporter=PlainReporter(lines.append),
        interrupts=Interrupts(),
    )
    return report, store.state, lines


@pytest.mark.parametrize("shape", SHAPES)
async def test_counters_equal_the_rows_they_count_at_any_shape(shape: str) -> None:
    options = SHAPES[shape]
    report, state, _ = await _seed_in_memory(options)

    users, videos, comments = state.users, state.videos, state.comments
    followers = Counter(followee for _, followee in state.follows)
    following = Counter(follower for follower, _ in state.follows)
    published = Counter(v.owner_id for v in videos.values() if v.is_published)
    likes = Counter(video for _, video in state.video_likes)
    received = Counter(videos[video].owner_id for _, video in state.video_likes)
    on_video = Counter(c.video_id for c in comments.values())
    replies = Counter(c.parent_id for c in comments.values() if c.parent_id is not None)
    comment_likes = Counter(comment for _, comment in state.comment_likes)
    for user in users.values():
        assert user.follower_count == followers[user.id]
        assert user.following_count == following[user.id]
        assert user.video_count == published[user.id]
        assert user.like_count == received[user.id]
    for video in videos.values():
        assert video.like_count == likes[video.id]
        assert video.comment_count == on_video[video.id]
        assert video.view_count >= video.like_count
        assert video.engagement_points == engagement_points(
            views=video.view_count, likes=video.like_count, comments=video.comment_count
        )
        # What processing made of the sample (the fake reports a 1 s 64x36 clip).
        assert (video.duration_seconds, video.width, video.height) == (1.0, 64, 36)
        assert video.is_processed
    for comment in comments.values():
        assert comment.reply_count == replies[comment.id]
        assert comment.like_count == comment_likes[comment.id]

    # The rules of the graph, whatever the shape.
    assert all(follower != followee for follower, followee in state.follows)
    for liker, liked in state.video_likes:
        assert liker != videos[liked].owner_id
        assert videos[liked].visibility is not Visibility.PRIVATE
    for liker, liked in state.comment_likes:
        assert liker != comments[liked].author_id
    for comment in comments.values():
        if comment.parent_id is not None:
            parent = comments[comment.parent_id]
            assert parent.parent_id is None
            assert parent.video_id == comment.video_id
            assert comment.created_at > parent.created_at

    # What was asked, as far as the users can do it.
    n = options.users
    assert len(users) == report.users == n
    assert len(videos) == report.videos == options.videos
    assert len(state.follows) == report.follows == min(options.follows, n * (n - 1))
    can_like = sum(n - 1 for v in videos.values() if v.visibility is not Visibility.PRIVATE)
    assert len(state.video_likes) == report.video_likes == min(options.likes, can_like)
    assert len(comments) == report.comments
    if any(v.visibility is not Visibility.PRIVATE for v in videos.values()):
        assert report.comments == options.comments
    assert report.replies == sum(replies.values())
    assert report.public_videos == sum(published.values())


async def test_seeded_videos_are_processed_like_uploads_and_users_get_avatars() -> None:
    storage = MemoryObjectStorage(HmacUploadGrants(SECRET), "http://api.test")
    _, state, _ = await _seed_in_memory(SHAPES["busy"], storage)

    for video in state.videos.values():
        assert video.poster_version is not None
        assert video.blurhash
        assert [(r.width, r.height) for r in video.renditions] == [(64, 36)]
        for key in (
            source_key(video.id),
            poster_key(video.id, video.poster_version),
            stream_key(video.id),
            output_key(video.id, "hls/master.m3u8"),
        ):
            assert await storage.stat(key) is not None, key
    versions = set()
    for user in state.users.values():
        assert user.avatar_version is not None
        assert user.avatar_url == avatar_url("http://api.test", user.id, user.avatar_version)
        versions.add(user.avatar_version)
        for key in avatar_keys(user.id, user.avatar_version):
            assert await storage.stat(key) is not None, key
    assert len(versions) == len(AVATAR_FRAMES)  # a few different faces, not one for all
    assert not [key for key in storage.stored_keys() if key.startswith("seed/")]


async def test_without_media_videos_keep_only_their_original_and_users_no_avatar() -> None:
    storage = MemoryObjectStorage(HmacUploadGrants(SECRET), "http://api.test")
    options = dataclasses.replace(SHAPES["busy"], media=False)
    _, state, _ = await _seed_in_memory(options, storage)

    for video in state.videos.values():
        assert (video.duration_seconds, video.width, video.height) == (None, None, None)
        assert not video.is_processed
    assert all(user.avatar_url is None for user in state.users.values())
    assert sorted(storage.stored_keys()) == sorted(source_key(v) for v in state.videos)


async def test_the_same_seed_gives_the_same_data() -> None:
    options = SHAPES["busy"]
    first = (await _seed_in_memory(options))[1]
    second = (await _seed_in_memory(options))[1]
    other = (await _seed_in_memory(dataclasses.replace(options, seed=99)))[1]

    def users_of(state: MemoryState) -> list[tuple[str, str | None, str | None]]:
        return sorted((u.username, u.display_name, u.bio) for u in state.users.values())

    assert users_of(first) == users_of(second)
    assert sorted(first.video_likes) != sorted(other.video_likes)
    assert users_of(first) != users_of(other)


async def test_every_phase_says_how_long_it_took() -> None:
    report, _, lines = await _seed_in_memory(SHAPES["busy"])

    names = [name for name, _ in report.phases]
    for phase in ("plan", "users", "videos", "video files", "follows", "video likes", "comments"):
        assert phase in names
        assert any(line.strip().startswith(phase) and line.endswith(" s") for line in lines)
    assert lines[-1].startswith(f"Log in as {report.demo_username} / password123")


async def test_a_database_with_users_needs_append() -> None:
    store = MemoryDatabase()
    adapters = SeedAdapters(
        loader=MemoryBulkLoader(store),
        storage=MemoryObjectStorage(HmacUploadGrants(SECRET), "http://api.test"),
        hasher=BcryptPasswordHasher(rounds=4),
        media=FakeMediaProcessor.tiny(),
        images=FakeImageProcessor(),
        processing=PROCESSING,
        public_url="http://api.test",
        database="memory",
        storage_url="memory",
    )
    options = SeedOptions(users=5, likes=10, comments=5, follows=5)

    async def run(options: SeedOptions) -> SeedReport:
        return await seed(
            adapters,
            options,
            sample=b"clip",
            out=lambda _: None,
            reporter=PlainReporter(lambda _: None),
            interrupts=Interrupts(),
        )

    first = await run(options)
    with pytest.raises(SeedError, match="--append"):
        await run(options)
    second = await run(SeedOptions(users=5, likes=10, comments=5, follows=5, append=True))

    usernames = [user.username for user in store.state.users.values()]
    assert len(usernames) == len(set(usernames)) == 10
    assert second.demo_username.startswith(first.demo_username.split("_")[0])
    assert second.demo_username != first.demo_username


# --- the parts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "caps", "expected"),
    [
        (10, [1.0, 1.0], None, [5, 5]),
        (3, [1.0, 1.0], None, [2, 1]),  # ties: the lower index first
        (7, [3.0, 1.0, 0.0], None, [5, 2, 0]),  # largest remainders; nothing for a zero weight
        (10, [9.0, 1.0], [2, 100], [2, 8]),  # a cap sends the rest to the others
        (10, [1.0, 1.0], [2, 3], [2, 3]),  # the caps leave no room for more
        (5, [0.0, 0.0], None, [0, 0]),
        (0, [1.0], None, [0]),
    ],
)
def test_apportion(
    total: int, weights: list[float], caps: list[int] | None, expected: list[int]
) -> None:
    assert apportion(total, weights, caps) == expected


def test_apportion_keeps_the_total_and_the_proportions() -> None:
    draw = rng(1, "test")
    weights = [draw.lognormvariate(0.0, 1.5) for _ in range(1000)]
    counts = apportion(100_000, weights)

    assert sum(counts) == 100_000
    for weight, count in zip(weights, counts, strict=True):
        assert math.isclose(count, 100_000 * weight / math.fsum(weights), abs_tol=1)


def test_times_convert_both_ways_to_the_microsecond() -> None:
    moment = datetime(2026, 11, 22, 8, 0, 0, 999_999, tzinfo=UTC)
    assert as_datetime(microseconds(moment)) == moment
    assert as_datetime(microseconds(moment) + 1) == datetime(2026, 11, 22, 8, 0, 1, tzinfo=UTC)


def test_the_vocabulary_makes_what_the_use_cases_accept() -> None:
    words = vocabulary()
    draw = rng(5, "test")
    for _ in range(500):
        caption = Caption.parse(_caption(draw, words))
        assert caption.hashtags == tuple(dict.fromkeys(caption.hashtags))
    for body in (*words.comments, *words.replies):
        assert parse_body(body) == body
    assert all(len(bio) <= 500 for bio in words.bios)
    for plain, _ in (*words.first_names, *words.last_names):
        Username.parse(f"{plain}.{plain}")


def test_counted_advances_the_phase_as_rows_are_consumed() -> None:
    class Tally:
        done = 0

        def advance(self, count: int = 1) -> None:
            self.done += count

    tally = Tally()
    consumed = list(counted(iter(range(12_345)), tally, every=5000))

    assert len(consumed) == 12_345
    assert tally.done == 12_345
