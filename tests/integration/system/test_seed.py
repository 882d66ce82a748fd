"""`clipstream seed` on SQLite and PostgreSQL: the requested rows exist, every denormalised counter
equals the rows it counts, the social graph keeps its rules, the bytes are playable, and a seeded
user can log in. Also the bulk loader it is built on: values stored exactly as the repositories
store them, and the indexes it drops for a load come back exactly as they were.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import RFC_4122, UUID

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.bulk import bulk_insert
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.tables import follows, users, video_likes
from adapters.sqlalchemy.users import SqlUserRepository
from adapters.storage.factory import build_storage
from adapters.storage.filesystem import FileSystemObjectStorage
from adapters.storage.upload_grants import HmacUploadGrants
from application.ports.object_storage import StorageError
from application.users.avatar_keys import avatar_keys
from application.videos.storage_keys import output_key, poster_key, source_key, stream_key
from domain.users import User
from domain.videos import Caption
from domain.words import caption_words
from entrypoints.composition import build_container
from entrypoints.config import Settings
from entrypoints.http.app import create_app
from entrypoints.seed import SeedError, SeedOptions, SeedReport, run_seed, sample_clip
from entrypoints.seed import generate as rows
from entrypoints.seed.plan import Planner
from entrypoints.seed.sampling import uuid7_at
from entrypoints.seed.vocabulary import vocabulary
from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import free_port

SECRET = b"seed-test-secret-0123456789-0123456789"
SAMPLE = sample_clip()
SMALL = SeedOptions(users=30, videos_per_user=3, likes=400, comments=120, follows=150, seed=7)
MEDIUM = SeedOptions(
    users=300, videos_per_user=5, likes=20_000, comments=3_000, follows=2_000, seed=11
)


def _settings(database_url: str, media: Path) -> Settings:
    return Settings(
        database_url=database_url,
        storage_url=str(media),
        jwt_secret=SECRET,
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
    )


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return _settings(f"sqlite+aiosqlite:///{tmp_path}/seed.db", tmp_path / "media")


@pytest.fixture
def postgres_settings(postgres_databases: PostgresDatabases, tmp_path: Path) -> Iterator[Settings]:
    url = postgres_databases.create(migrated=True)
    try:
        yield _settings(url, tmp_path / "media")
    finally:
        postgres_databases.drop(url)


@pytest.fixture
async def engine_of() -> AsyncIterator[list[AsyncEngine]]:
    """Engines made by a test, disposed of after it."""
    engines: list[AsyncEngine] = []
    yield engines
    for engine in engines:
        await engine.dispose()


async def _seed(settings: Settings, options: SeedOptions) -> tuple[SeedReport, list[str]]:
    lines: list[str] = []
    report = await run_seed(settings, options, out=lines.append)
    return report, lines


async def _scalar(engine: AsyncEngine, query: str) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(text(query))).scalar_one()


async def _rows(engine: AsyncEngine, query: str) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.execute(text(query)))


# Each query counts the rows that break one rule: all must be 0.
RULES = {
    "users.follower_count": "SELECT count(*) FROM users u WHERE u.follower_count <>"
    " (SELECT count(*) FROM follows f WHERE f.followee_id = u.id)",
    "users.following_count": "SELECT count(*) FROM users u WHERE u.following_count <>"
    " (SELECT count(*) FROM follows f WHERE f.follower_id = u.id)",
    "users.video_count": "SELECT count(*) FROM users u WHERE u.video_count <>"
    " (SELECT count(*) FROM videos v WHERE v.owner_id = u.id"
    "  AND v.status = 'ready' AND v.visibility = 'public')",
    "users.like_count": "SELECT count(*) FROM users u WHERE u.like_count <>"
    " (SELECT count(*) FROM video_likes l JOIN videos v ON v.id = l.video_id"
    "  WHERE v.owner_id = u.id)",
    "videos.like_count": "SELECT count(*) FROM videos v WHERE v.like_count <>"
    " (SELECT count(*) FROM video_likes l WHERE l.video_id = v.id)",
    "videos.comment_count": "SELECT count(*) FROM videos v WHERE v.comment_count <>"
    " (SELECT count(*) FROM comments c WHERE c.video_id = v.id)",
    "videos.engagement_points": "SELECT count(*) FROM videos WHERE engagement_points <>"
    " view_count + 3 * like_count + 5 * comment_count",
    "videos.view_count >= like_count": "SELECT count(*) FROM videos WHERE view_count < like_count",
    "comments.reply_count": "SELECT count(*) FROM comments c WHERE c.reply_count <>"
    " (SELECT count(*) FROM comments r WHERE r.parent_id = c.id)",
    "comments.like_count": "SELECT count(*) FROM comments c WHERE c.like_count <>"
    " (SELECT count(*) FROM comment_likes l WHERE l.comment_id = c.id)",
    "unique video likes": "SELECT count(*) FROM (SELECT user_id, video_id FROM video_likes"
    " GROUP BY user_id, video_id HAVING count(*) > 1) AS duplicates",
    "unique follows": "SELECT count(*) FROM (SELECT follower_id, followee_id FROM follows"
    " GROUP BY follower_id, followee_id HAVING count(*) > 1) AS duplicates",
    "no self-follow": "SELECT count(*) FROM follows WHERE follower_id = followee_id",
    "no like of one's own video": "SELECT count(*) FROM video_likes l"
    " JOIN videos v ON v.id = l.video_id WHERE l.user_id = v.owner_id",
    "no like of a private video": "SELECT count(*) FROM video_likes l"
    " JOIN videos v ON v.id = l.video_id WHERE v.visibility = 'private'",
    "replies one level deep, same video": "SELECT count(*) FROM comments r"
    " JOIN comments p ON p.id = r.parent_id"
    " WHERE p.parent_id IS NOT NULL OR p.video_id <> r.video_id",
    "no comment like by its author": "SELECT count(*) FROM comment_likes l"
    " JOIN comments c ON c.id = l.comment_id WHERE l.user_id = c.author_id",
    "ready videos published after creation": "SELECT count(*) FROM videos"
    " WHERE status <> 'ready' OR published_at IS NULL OR published_at <= created_at",
    "likes after publication": "SELECT count(*) FROM video_likes l"
    " JOIN videos v ON v.id = l.video_id WHERE l.created_at <= v.published_at",
    "replies after their comment": "SELECT count(*) FROM comments r"
    " JOIN comments p ON p.id = r.parent_id WHERE r.created_at <= p.created_at",
}


async def _assert_consistent(engine: AsyncEngine) -> None:
    broken = {rule: await _scalar(engine, query) for rule, query in RULES.items()}
    assert broken == dict.fromkeys(RULES, 0)


async def _totals(engine: AsyncEngine) -> dict[str, int]:
    tables = ["users", "videos", "follows", "video_likes", "comments", "comment_likes"]
    totals = {table: await _scalar(engine, f"SELECT count(*) FROM {table}") for table in tables}
    totals["replies"] = await _scalar(
        engine, "SELECT count(*) FROM comments WHERE parent_id IS NOT NULL"
    )
    return totals


def _expected_totals(options: SeedOptions) -> dict[str, int]:
    return {
        "users": options.users,
        "videos": round(options.users * options.videos_per_user),
        "follows": options.follows,
        "video_likes": options.likes,
        "comments": options.comments,
        "comment_likes": round(options.comments * 0.1),
        "replies": round(options.comments * 0.25),
    }


async def _assert_captions_indexed(engine: AsyncEngine) -> None:
    """Each video's hashtag rows (with positions) and word rows follow from its caption."""
    captions = {
        row.id: row.caption for row in await _rows(engine, "SELECT id, caption FROM videos")
    }
    tags: dict[Any, list[tuple[int, str]]] = {video: [] for video in captions}
    for row in await _rows(engine, "SELECT video_id, position, hashtag FROM video_hashtags"):
        tags[row.video_id].append((row.position, row.hashtag))
    words: dict[Any, set[str]] = {video: set() for video in captions}
    for row in await _rows(engine, "SELECT video_id, word FROM video_words"):
        words[row.video_id].add(row.word)
    for video, caption in captions.items():
        assert [tag for _, tag in sorted(tags[video])] == list(Caption.parse(caption).hashtags)
        assert words[video] == set(caption_words(caption))
    assert sum(map(len, tags.values())) > 0


async def _assert_ids_follow_creation(engine: AsyncEngine) -> None:
    """UUIDv7 ids sort like the creation times (the API's tie-break relies on it)."""
    for table in ("users", "videos", "comments"):
        rows = await _rows(engine, f"SELECT id, created_at FROM {table}")
        by_time = [row.id for row in sorted(rows, key=lambda row: (row.created_at, row.id))]
        assert by_time == sorted(row.id for row in rows), table
        assert all(UUID(str(row.id)).version == 7 for row in rows)


async def _assert_bytes_stored(settings: Settings, engine: AsyncEngine) -> None:
    storage = build_storage(
        settings.storage_url,
        grants=HmacUploadGrants(SECRET),
        public_url=settings.api_base_url,
        s3_endpoint_url=None,
        s3_public_endpoint_url=None,
    )
    rows = await _rows(engine, "SELECT id, storage_key, size_bytes, content_type FROM videos")
    for row in rows:
        assert row.storage_key == source_key(UUID(str(row.id)))
        assert (row.size_bytes, row.content_type) == (len(SAMPLE), "video/mp4")
        stored = await storage.stat(row.storage_key)
        assert stored is not None, row.storage_key
        assert stored.size_bytes == len(SAMPLE)
    first = rows[0].storage_key
    data = b"".join([chunk async for chunk in storage.read_range(first, 0, len(SAMPLE) - 1)])
    assert data == SAMPLE
    # What processing makes of an upload, at the keys the media job gives it, for every video.
    processed = await _rows(engine, "SELECT id, poster_version FROM videos")
    for row in processed:
        video_id = UUID(str(row.id))
        for key in (
            poster_key(video_id, row.poster_version),
            stream_key(video_id),
            output_key(video_id, "hls/master.m3u8"),
        ):
            assert await storage.stat(key) is not None, key
    for user in await _rows(engine, "SELECT id, avatar_version FROM users"):
        for key in avatar_keys(UUID(str(user.id)), user.avatar_version):
            assert await storage.stat(key) is not None, key
    assert not (Path(settings.storage_url) / "seed").exists()  # the originals are gone


def _stored_files(settings: Settings) -> list[Path]:
    """Every file in a local storage (hidden ones included)."""
    return sorted(path for path in Path(settings.storage_url).rglob("*") if path.is_file())


async def _assert_seeded(
    settings: Settings, options: SeedOptions, engines: list[AsyncEngine]
) -> SeedReport:
    report, lines = await _seed(settings, options)
    engine = create_engine(settings.database_url, pool_size=2)
    engines.append(engine)

    totals = await _totals(engine)
    assert totals == _expected_totals(options)
    await _assert_consistent(engine)
    await _assert_captions_indexed(engine)
    await _assert_ids_follow_creation(engine)
    await _assert_bytes_stored(settings, engine)
    # Every video is what processing made of the sample: its real duration and size.
    sizes = await _rows(
        engine,
        "SELECT DISTINCT duration_seconds, width, height, renditions IS NOT NULL AS rendered, "
        "blurhash IS NOT NULL AS hashed FROM videos",
    )
    assert len(sizes) == 1
    assert 1.5 < sizes[0].duration_seconds < 2.5
    assert sizes[0].width > 0
    assert sizes[0].height > 0
    assert sizes[0].rendered
    assert sizes[0].hashed
    visibilities = dict(
        await _rows(engine, "SELECT visibility, count(*) FROM videos GROUP BY visibility")
    )
    assert visibilities["public"] > 0.8 * totals["videos"]
    assert (report.users, report.videos, report.video_likes) == (
        totals["users"],
        totals["videos"],
        totals["video_likes"],
    )
    assert report.public_videos == visibilities["public"]
    assert any(line.startswith(f"Log in as {report.demo_username} / ") for line in lines)
    assert any(line.strip().startswith("video likes") for line in lines)  # time per phase
    return report


async def test_seed_on_sqlite(sqlite_settings: Settings, engine_of: list[AsyncEngine]) -> None:
    await _assert_seeded(sqlite_settings, SMALL, engine_of)


@pytest.mark.postgres
async def test_seed_on_postgres(
    postgres_settings: Settings,
    postgres_databases: PostgresDatabases,
    engine_of: list[AsyncEngine],
) -> None:
    await _assert_seeded(postgres_settings, MEDIUM, engine_of)
    # The indexes and constraints set aside for the load are all back: the same as a freshly
    # migrated database has.
    fresh_url = postgres_databases.create(migrated=True)
    fresh = create_engine(fresh_url, pool_size=1)
    try:
        assert await _indexes_and_keys(engine_of[0]) == await _indexes_and_keys(fresh)
    finally:
        await fresh.dispose()
        postgres_databases.drop(fresh_url)


async def _indexes_and_keys(engine: AsyncEngine) -> set[tuple[str, str]]:
    indexes = await _rows(
        engine, "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    )
    keys = await _rows(
        engine,
        "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace",
    )
    found = {(row[0], row[1]) for row in [*indexes, *keys]}
    assert len(found) > 20  # the schema's, not an empty set
    return found


@pytest.mark.postgres
async def test_seed_needs_a_migrated_postgres(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    url = postgres_databases.create(migrated=False)
    try:
        with pytest.raises(SeedError, match="clipstream migrate"):
            await run_seed(_settings(url, tmp_path / "media"), SMALL, out=lambda _: None)
    finally:
        postgres_databases.drop(url)


async def test_seed_refuses_a_populated_database_unless_appending(
    sqlite_settings: Settings, engine_of: list[AsyncEngine]
) -> None:
    small = replace(SMALL, users=10, likes=50, comments=20, follows=20)
    first, _ = await _seed(sqlite_settings, small)

    with pytest.raises(SeedError, match="--append"):
        await _seed(sqlite_settings, small)
    second, _ = await _seed(sqlite_settings, replace(small, append=True))

    engine = create_engine(sqlite_settings.database_url, pool_size=2)
    engine_of.append(engine)
    totals = await _totals(engine)
    assert totals["users"] == 20
    assert totals["video_likes"] == 100
    await _assert_consistent(engine)
    usernames = [row.username for row in await _rows(engine, "SELECT username FROM users")]
    assert len(set(usernames)) == 20
    assert second.demo_username != first.demo_username
    assert second.demo_username.rsplit("_", 1)[0] in {u.rsplit("_", 1)[0] for u in usernames}


async def test_seed_caps_what_the_users_cannot_do(
    sqlite_settings: Settings, engine_of: list[AsyncEngine]
) -> None:
    """3 users can make at most 6 follows, and like each video at most twice (not their own)."""
    options = SeedOptions(users=3, videos_per_user=2, likes=1000, comments=10, follows=50)
    report, _ = await _seed(sqlite_settings, options)

    engine = create_engine(sqlite_settings.database_url, pool_size=2)
    engine_of.append(engine)
    totals = await _totals(engine)
    eligible = await _scalar(engine, "SELECT count(*) FROM videos WHERE visibility <> 'private'")
    assert totals["follows"] == report.follows == 6
    assert totals["video_likes"] == report.video_likes == 2 * eligible
    await _assert_consistent(engine)


async def test_a_storage_failure_leaves_the_database_empty(
    sqlite_settings: Settings, engine_of: list[AsyncEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_copy_many = FileSystemObjectStorage.copy_many

    async def failing_copy_many(
        self: FileSystemObjectStorage, source: str, targets: Sequence[str]
    ) -> None:
        await real_copy_many(self, source, targets[:50])
        raise StorageError("disk full")

    monkeypatch.setattr(FileSystemObjectStorage, "copy_many", failing_copy_many)

    with pytest.raises(SeedError, match="storage failed: disk full"):
        await _seed(sqlite_settings, SMALL)

    engine = create_engine(sqlite_settings.database_url, pool_size=2)
    engine_of.append(engine)
    assert await _scalar(engine, "SELECT count(*) FROM users") == 0
    assert await _scalar(engine, "SELECT count(*) FROM videos") == 0
    assert _stored_files(sqlite_settings) == []  # the 50 copies made were removed


async def test_an_unreachable_storage_fails_before_any_work(
    sqlite_settings: Settings, engine_of: list[AsyncEngine], aws_environment: None
) -> None:
    settings = replace(
        sqlite_settings,
        storage_url="s3://clipstream-seed/media",
        s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
    )
    lines: list[str] = []
    with pytest.raises(SeedError, match="storage"):
        await run_seed(settings, SMALL, out=lines.append)

    assert lines == []
    engine = create_engine(settings.database_url, pool_size=2)
    engine_of.append(engine)
    assert await _scalar(engine, "SELECT count(*) FROM users") == 0


async def test_seed_rejects_bad_options(sqlite_settings: Settings) -> None:
    for options, message in [
        (replace(SMALL, users=0), "--users"),
        (replace(SMALL, likes=-1), "--likes"),
        (replace(SMALL, password="short"), "--password"),
    ]:
        with pytest.raises(SeedError, match=message):
            await run_seed(sqlite_settings, options, out=lambda _: None)


async def test_a_seeded_user_logs_in_and_plays_a_video(sqlite_settings: Settings) -> None:
    report, _ = await _seed(sqlite_settings, SMALL)

    async with AsyncTestClient(app=create_app(build_container(sqlite_settings))) as client:
        wrong = await client.post(
            "/api/v1/auth/login",
            json={"login": report.demo_username, "password": "not the password"},
        )
        login = await client.post(
            "/api/v1/auth/login", json={"login": report.demo_username, "password": "password123"}
        )
        assert wrong.status_code == 401
        assert login.status_code == 200, login.text
        tokens = login.json()
        assert tokens["user"]["username"] == report.demo_username
        auth = {"Authorization": f"Bearer {tokens['accessToken']}"}
        feed = await client.get("/api/v1/feed/following", headers=auth)
        assert feed.status_code == 200
        assert feed.json()["items"]  # the demo user follows people who post
        video = feed.json()["items"][0]
        assert video["status"] == "ready"
        # Like a processed upload's: real duration and size, a poster, HLS and the MP4.
        assert 1.5 < video["durationSeconds"] < 2.5
        assert video["width"] > 0
        assert video["height"] > 0
        poster = await client.get(video["posterUrl"])
        assert (poster.status_code, poster.headers["content-type"]) == (200, "image/jpeg")
        master = await client.get(video["hlsUrl"])
        assert master.status_code == 200
        assert master.text.startswith("#EXTM3U")
        stream = await client.get(f"/api/v1/videos/{video['id']}/stream")
        assert stream.status_code == 200
        assert stream.content[4:8] == b"ftyp"
        assert stream.content != SAMPLE  # the processed MP4, not the upload
        avatar = await client.get(video["author"]["avatarUrl"])
        assert (avatar.status_code, avatar.headers["content-type"]) == (200, "image/jpeg")


async def test_without_media_seeded_videos_invent_nothing(sqlite_settings: Settings) -> None:
    await _seed(sqlite_settings, dataclasses.replace(SMALL, media=False))
    engine = create_engine(sqlite_settings.database_url, pool_size=1)
    try:
        # What a real upload cannot tell before processing, a seeded video does not invent.
        invented = (
            "SELECT count(*) FROM videos WHERE duration_seconds IS NOT NULL "
            "OR width IS NOT NULL OR height IS NOT NULL OR poster_version IS NOT NULL"
        )
        assert await _scalar(engine, invented) == 0
        assert await _scalar(engine, "SELECT count(*) FROM users WHERE avatar_url IS NOT NULL") == 0
    finally:
        await engine.dispose()
    files = _stored_files(sqlite_settings)
    assert {path.name for path in files} == {"source"}


def test_generation_is_deterministic() -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    words = vocabulary()

    def run(seed: int) -> tuple[Any, ...]:
        plan = Planner(replace(SMALL, seed=seed), words, now=now, run_tag=None).make()
        return (
            [
                (u.id, u.username, u.display_name, u.bio, u.created_at)
                for u in rows.users(plan, words, password_hash="x")
            ],
            [
                (v.id, v.caption, v.visibility, v.like_count, v.view_count)
                for v in rows.videos(plan, words, size_bytes=1)
            ],
            list(rows.follows(plan)),
            [(c.id, c.body, c.parent_id) for c in rows.comments(plan, words)],
            list(rows.video_likes(plan)),
        )

    assert run(7) == run(7)
    assert run(7) != run(8)
    plan = Planner(SMALL, words, now=now, run_tag=None).make()
    created = [u.created_at for u in rows.users(plan, words, password_hash="x")]
    assert now - timedelta(days=60) <= min(created) <= max(created) < now


def test_ids_sort_like_their_times_even_within_a_millisecond() -> None:
    rng = random.Random(3)
    start = 1_780_000_000_000_000  # microseconds since the epoch
    times = [start + offset for offset in (0, 1, 250, 999, 1000, 1001, 86_400_000_000)]
    ids = [uuid7_at(moment, rng) for moment in reversed(times)][::-1]

    assert ids == sorted(ids)
    assert all(value.version == 7 and value.variant == RFC_4122 for value in ids)
    assert [value.int >> 80 for value in ids] == [moment // 1000 for moment in times]


# The bulk loader ----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_engine(request: pytest.FixtureRequest, engine_of: list[AsyncEngine]) -> AsyncEngine:
    url: str = request.getfixturevalue(f"{request.param}_url")
    engine = create_engine(url, pool_size=2)
    engine_of.append(engine)
    if engine.dialect.name == "postgresql":  # the database is shared by the session: empty it
        async with engine.begin() as connection:
            await connection.execute(text("TRUNCATE users CASCADE"))
    return engine


def _user(number: int, created_at: datetime) -> User:
    return User(
        id=UUID(int=(0x0190 << 112) | number),
        username=f"bulk{number}",
        email=f"bulk{number}@example.com",
        password_hash="hash",
        display_name=f"Bulk Ünïcode {number}",
        bio=None,
        avatar_url=f"https://cdn.example.com/{number}.png",
        created_at=created_at,
        updated_at=created_at + timedelta(microseconds=1),
        follower_count=number,
        like_count=3,
    )


async def test_bulk_insert_stores_values_like_the_repositories(empty_engine: AsyncEngine) -> None:
    created = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    other_zone = datetime(2026, 3, 1, 16, 30, 15, 654321, tzinfo=timezone(timedelta(hours=2)))
    made = [_user(1, created), _user(2, other_zone)]
    columns = [
        "id",
        "username",
        "email",
        "password_hash",
        "display_name",
        "bio",
        "avatar_url",
        "created_at",
        "updated_at",
        "follower_count",
        "like_count",
    ]

    count = await bulk_insert(
        empty_engine,
        users,
        columns,
        ([getattr(user, name) for name in columns] for user in made),  # a generator
    )

    assert count == 2
    async with empty_engine.connect() as connection:
        repository = SqlUserRepository(connection)
        for user in made:
            assert await repository.get(user.id) == user
            assert await repository.get_by_username(user.username) == user
        # Read back in creation order, timestamps compared as the repositories compare them.
        ordered = await connection.execute(
            text("SELECT username FROM users WHERE created_at > :t ORDER BY created_at"),
            {"t": created},
        )
    assert [row.username for row in ordered] == ["bulk2"]


async def test_bulk_insert_refuses_bad_rows(empty_engine: AsyncEngine) -> None:
    naive = datetime(2026, 3, 1, 12, 0)
    with pytest.raises(ValueError, match="naive"):
        await bulk_insert(
            empty_engine,
            users,
            ["id", "username", "email", "password_hash", "created_at", "updated_at"],
            [(UUID(int=1), "naive", "naive@example.com", "h", naive, naive)],
        )
    with pytest.raises(ValueError, match="columns"):
        await bulk_insert(empty_engine, users, ["id", "no_such_column"], [])
    with pytest.raises(ValueError, match="expected 2"):
        await bulk_insert(empty_engine, follows, ["follower_id", "followee_id"], [(UUID(int=1),)])
    assert await _scalar(empty_engine, "SELECT count(*) FROM users") == 0  # nothing went in


@pytest.mark.postgres
async def test_bulk_insert_rebuilds_exactly_the_indexes_it_dropped(
    postgres_url: str, engine_of: list[AsyncEngine]
) -> None:
    engine = create_engine(postgres_url, pool_size=2)
    engine_of.append(engine)
    async with engine.begin() as connection:
        await connection.execute(text("TRUNCATE users CASCADE"))
    catalog = (
        "SELECT string_agg(definition, ' | ' ORDER BY definition) FROM ("
        " SELECT conname || ': ' || pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        "  WHERE conrelid = '{0}'::regclass"
        " UNION ALL SELECT indexdef FROM pg_indexes WHERE tablename = '{0}') AS d"
    )
    before = {t: await _scalar(engine, catalog.format(t)) for t in ("users", "video_likes")}
    created = datetime(2026, 3, 1, tzinfo=UTC)

    made = [_user(n, created + timedelta(seconds=n)) for n in range(1, 4)]
    await bulk_insert(
        engine,
        users,
        ["id", "username", "email", "password_hash", "created_at", "updated_at"],
        [(u.id, u.username, u.email, "h", u.created_at, u.updated_at) for u in made],
        rebuild_indexes=True,
    )
    with pytest.raises(Exception, match="fk_video_likes_video_id_videos"):
        await bulk_insert(  # the foreign keys are checked when re-created: the load fails whole
            engine,
            video_likes,
            ["user_id", "video_id", "created_at"],
            [(made[0].id, UUID(int=12345), created)],
            rebuild_indexes=True,
        )

    after = {t: await _scalar(engine, catalog.format(t)) for t in ("users", "video_likes")}
    assert after == before
    assert "PRIMARY KEY" in before["video_likes"]
    assert await _scalar(engine, "SELECT count(*) FROM users") == 3
    assert await _scalar(engine, "SELECT count(*) FROM video_likes") == 0
