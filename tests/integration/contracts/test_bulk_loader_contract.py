"""One contract suite for the bulk-loader port, run on every adapter (memory, SQLite, PostgreSQL):
what a load stores reads back through the repositories and queries exactly as if the use cases
had stored it, a load is all or nothing, and the rules of the schema hold.

The PostgreSQL-only check at the end covers what only it has: the indexes and keys set aside for
a load into empty tables come back exactly as they were.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.bulk_loader import MemoryBulkLoader
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.bulk_loader import SqlBulkLoader
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from adapters.sqlalchemy.video_queries import SqlVideoQueries
from application.ports.bulk_loader import BulkLoader, BulkLoadFailed
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import PublicVideoFilter, VideoQueries
from domain.comments import Comment
from domain.media import Rendition
from domain.ranking import engagement_points
from domain.users import User
from domain.videos import Video, Visibility
from tests.integration.conftest import PostgresDatabases
from tests.support import builders
from tests.support.builders import T0, at, captioned


@dataclasses.dataclass(frozen=True)
class Adapters:
    loader: BulkLoader
    uow: UnitOfWorkFactory
    queries: VideoQueries


@pytest.fixture(scope="module")
def bulk_postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A database of this suite's own: a load refreshes the planner statistics of what it loaded,
    which must not change the plans other suites see in the session's shared database."""
    url = postgres_databases.create(migrated=True)
    try:
        yield url
    finally:
        postgres_databases.drop(url)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage_url(request: pytest.FixtureRequest) -> str | None:
    """The database URL of the adapter under test; None for the in-memory adapter."""
    if request.param == "memory":
        return None
    name = "sqlite_url" if request.param == "sqlite" else "bulk_postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
async def adapters(storage_url: str | None) -> AsyncIterator[Adapters]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Adapters(
            MemoryBulkLoader(store), lambda: MemoryUnitOfWork(store), MemoryVideoQueries(store)
        )
        return
    engine = create_engine(storage_url, pool_size=4, statement_timeout_ms=0)
    if engine.dialect.name == "postgresql":  # the database is shared by the module: empty it
        names = ", ".join(table.name for table in metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {names}"))
    reader = create_select_runner(storage_url, engine)
    try:
        yield Adapters(
            SqlBulkLoader(engine, storage_url),
            SqlUnitOfWorkFactory(engine),
            SqlVideoQueries(engine, reader),
        )
    finally:
        await reader.close()
        await engine.dispose()


def make_user(name: str, *, seconds: int = 0, **changes: Any) -> User:
    """A user with a non-ASCII display name (and a bio every other second) created `seconds`
    after T0."""
    return builders.make_user(
        name,
        display_name=f"{name.title()} Ünïcode ✨",
        bio="bio" if seconds % 2 else None,
        created_at=at(seconds),
        updated_at=at(seconds),
        **changes,
    )


def make_video(owner: User, caption: str, *, seconds: int = 60, **changes: Any) -> Video:
    """A ready public video with `caption`, created `seconds` after T0 and published 5 s later."""
    return builders.make_video(
        owner,
        seconds,
        size_bytes=1234,
        updated_at=at(seconds + 5),
        published_at=at(seconds + 5),
        **{**captioned(caption), **changes},
    )


def make_comment(video: Video, author: User, *, parent: Comment | None = None) -> Comment:
    return builders.make_comment(author, video, 5 * 60, parent, body="Nice one ✨")


async def test_what_a_load_stores_reads_back_as_the_repositories_store_it(
    adapters: Adapters,
) -> None:
    ana = make_user(
        "ana",
        seconds=1,
        follower_count=1,
        like_count=1,
        avatar_url="http://api.test/api/v1/users/ana/avatar?v=a1",
        avatar_version="a1",
    )
    ben = make_user("ben")
    clip = make_video(
        ana,
        "Sunset at the #Beach with #friends #beach",
        duration_seconds=2.0,
        width=360,
        height=640,
        renditions=(Rendition(360, 640, 512), Rendition(720, 1280, 1800)),
        poster_version="p1",
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        view_count=10,
        like_count=1,
        comment_count=2,
        engagement_points=engagement_points(views=10, likes=1, comments=2),
    )
    private = make_video(ana, "secret #beach", seconds=90, visibility=Visibility.PRIVATE)
    top = dataclasses.replace(make_comment(clip, ben), reply_count=1, like_count=1)
    reply = make_comment(clip, ana, parent=top)

    async with adapters.loader.load() as load:
        assert await load.add_users(iter([ana, ben])) == 2  # any iterable, generators too
        assert await load.add_videos(iter([clip, private])) == 2
        assert await load.add_follows([(ben.id, ana.id, T0)]) == 1
        assert await load.add_video_likes([(ben.id, clip.id, T0 + timedelta(minutes=1))]) == 1
        assert await load.add_comments([top, reply]) == 2
        assert await load.add_comment_likes([(ana.id, top.id, T0 + timedelta(minutes=6))]) == 1
        await load.commit()

    async with adapters.uow() as uow:
        assert await uow.users.get(ana.id) == ana
        assert await uow.users.get_by_username("ben") == ben
        assert await uow.videos.get(clip.id) == clip
        assert await uow.videos.get(private.id) == private
        assert await uow.comments.get(top.id) == top
        assert await uow.comments.get(reply.id) == reply
        # The follow and the likes exist: making them again changes nothing.
        assert not await uow.follows.add(ben.id, ana.id, T0)
        assert not await uow.likes.like_video(ben.id, clip.id, T0)
        assert not await uow.likes.like_comment(ana.id, top.id, T0)
    # Hashtags and caption words are indexed as the repository indexes them.
    by_tag = await adapters.queries.list_public(
        PublicVideoFilter(hashtag="beach"), None, after=None, limit=10
    )
    by_words = await adapters.queries.list_public(
        PublicVideoFilter(words=("sunset", "friends")), None, after=None, limit=10
    )
    assert [view.video.id for view in by_tag] == [clip.id]  # not the private one
    assert [view.video.id for view in by_words] == [clip.id]
    assert by_tag[0].author == ana


async def test_a_load_without_commit_keeps_nothing(adapters: Adapters) -> None:
    ana = make_user("ana")

    async with adapters.loader.load() as load:
        await load.add_users([ana])
        await load.add_videos([make_video(ana, "kept? #no")])

    async def give_up() -> None:
        async with adapters.loader.load() as load:
            await load.add_users([make_user("ben")])
            await load.check()
            raise RuntimeError("the caller gave up")

    with pytest.raises(RuntimeError):
        await give_up()

    assert not await adapters.loader.has_users()
    async with adapters.uow() as uow:
        assert await uow.users.get(ana.id) is None


@pytest.mark.parametrize(
    "rule",
    ["duplicate username", "video of nobody", "self-follow", "like twice", "reply to nothing"],
)
async def test_a_row_that_breaks_a_rule_fails_the_whole_load(adapters: Adapters, rule: str) -> None:
    ana, ben = make_user("ana"), make_user("ben")
    clip = make_video(ana, "clip")
    rows: dict[str, Any] = {
        "users": [ana, ben],
        "videos": [clip],
        "follows": [(ben.id, ana.id, T0)],
        "likes": [(ben.id, clip.id, T0)],
        "comments": [make_comment(clip, ben)],
    }
    if rule == "duplicate username":
        rows["users"] = [ana, ben, make_user("ana")]
    elif rule == "video of nobody":
        rows["videos"] = [clip, make_video(make_user("ghost"), "who?")]
    elif rule == "self-follow":
        rows["follows"] = [(ana.id, ana.id, T0)]
    elif rule == "like twice":
        rows["likes"] = [(ben.id, clip.id, T0), (ben.id, clip.id, T0 + timedelta(seconds=1))]
    else:
        orphan = make_comment(clip, ben, parent=make_comment(clip, ana))
        rows["comments"] = [orphan]

    async def load_all() -> None:
        async with adapters.loader.load() as load:
            await load.add_users(rows["users"])
            await load.add_videos(rows["videos"])
            await load.add_follows(rows["follows"])
            await load.add_video_likes(rows["likes"])
            await load.add_comments(rows["comments"])
            await load.commit()

    with pytest.raises(BulkLoadFailed):
        await load_all()

    assert not await adapters.loader.has_users()


async def test_the_loader_answers_what_a_seed_asks_first(adapters: Adapters) -> None:
    schema = await adapters.loader.schema()
    assert schema.is_newest
    assert not await adapters.loader.has_users()

    async with adapters.loader.load() as load:
        await load.add_users([make_user("maya_abcd"), make_user("leo")])
        await load.commit()

    assert await adapters.loader.has_users()
    assert await adapters.loader.username_suffix_taken("_abcd")
    assert not await adapters.loader.username_suffix_taken("_abce")
    assert not await adapters.loader.username_suffix_taken("%eo")  # no wildcards: "%" is literal


async def test_a_second_load_adds_to_the_first(adapters: Adapters) -> None:
    ana = make_user("ana")
    async with adapters.loader.load() as load:
        await load.add_users([ana])
        await load.commit()
    ben = make_user("ben")
    clip = make_video(ana, "second batch #two")
    async with adapters.loader.load() as load:
        await load.add_users([ben])
        await load.add_videos([clip])
        await load.add_video_likes([(ben.id, clip.id, T0)])
        await load.commit()

    async with adapters.uow() as uow:
        assert await uow.users.get(ana.id) == ana
        assert await uow.videos.get(clip.id) == clip
        assert not await uow.likes.like_video(ben.id, clip.id, T0)


# --- PostgreSQL only ----------------------------------------------------------------------------

CATALOG = (
    "SELECT string_agg(definition, ' | ' ORDER BY definition) FROM ("
    " SELECT conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid)"
    "  AS definition FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
    " UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public') AS d"
)


@pytest.mark.postgres
async def test_a_load_into_empty_tables_rebuilds_every_index_and_key_it_set_aside(
    postgres_databases: PostgresDatabases,
) -> None:
    url = postgres_databases.create(migrated=True)
    engine: AsyncEngine = create_engine(url, pool_size=2, statement_timeout_ms=0)
    try:
        async with engine.connect() as connection:
            before = (await connection.execute(text(CATALOG))).scalar_one()
        ana, ben = make_user("ana"), make_user("ben")
        clip = make_video(ana, "#one two")
        comment = make_comment(clip, ben)
        loader = SqlBulkLoader(engine, url)
        async with loader.load() as load:
            await load.add_users([ana, ben])
            await load.add_videos([clip])
            await load.add_follows([(ben.id, ana.id, T0)])
            await load.add_video_likes([(ben.id, clip.id, T0)])
            await load.add_comments([comment])
            await load.add_comment_likes([(ana.id, comment.id, T0)])
            await load.commit()
        async with engine.connect() as connection:
            after = (await connection.execute(text(CATALOG))).scalar_one()
            analyzed = (
                await connection.execute(
                    text("SELECT reltuples FROM pg_class WHERE relname = 'video_likes'")
                )
            ).scalar_one()
    finally:
        await engine.dispose()
        postgres_databases.drop(url)
    assert after == before
    assert analyzed == 1  # statistics were refreshed with the load
