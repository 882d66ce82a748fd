"""Fixtures of the integration suite: a PostgreSQL server with fresh databases, migrated SQLite
files, and a unit-of-work factory for every storage adapter (memory, SQLite, PostgreSQL).

PostgreSQL is found as: `TEST_DATABASE_URL` (a server URL; must answer), else a Testcontainers
container when a Docker engine answers, else the local server at 127.0.0.1:5432. When none is
reachable the PostgreSQL tests are skipped, except on CI (`CI=true`), where they fail.

Fixtures meant for reuse:
    postgres_server_url   (session) SQLAlchemy URL of the server's maintenance database.
    postgres_databases    (session) `PostgresDatabases`: `create(migrated=True) -> url`, `drop(url)`;
                          every database it made is dropped at the end of the session.
    postgres_url          (session) a fresh database migrated to head, shared by the contract suite
                          (which empties its tables before each test).
    own_postgres_engine   (function) an engine on a migrated database of the test's own (for
                          tests that ANALYZE what they load).
    empty_postgres_url    (function) a fresh, empty database, dropped after the test.
    sqlite_url            (function) a fresh SQLite file migrated to head.
    uow_factory           (function) a `UnitOfWorkFactory`, parametrised memory/sqlite/postgres.
    sql_engine            (function) an `AsyncEngine` on empty tables, parametrised sqlite/postgres.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.unit_of_work import UnitOfWorkFactory

LOCAL_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POSTGRES_IMAGE = "postgres:16-alpine"
TEST_DATABASE_PREFIX = "clipstream_test_"


def _libpq_conninfo(url: str) -> str:
    """A SQLAlchemy `postgresql+psycopg://` URL as a libpq connection string."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _accepts_connections(url: str) -> bool:
    try:
        with psycopg.connect(_libpq_conninfo(url), connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _start_container(stack: ExitStack) -> str | None:
    """The URL of a Testcontainers PostgreSQL, or None when no Docker engine answers."""
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return None
    from testcontainers.postgres import PostgresContainer

    container = stack.enter_context(PostgresContainer(POSTGRES_IMAGE, driver="psycopg"))
    return str(container.get_connection_url())


class PostgresDatabases:
    """Creates uniquely named databases on one server and drops them (connections terminated)."""

    def __init__(self, server_url: str) -> None:
        self._server_url = server_url
        self._names: list[str] = []

    def create(self, *, migrated: bool = True) -> str:
        """A new empty database (migrated to head unless `migrated=False`); returns its URL."""
        name = f"{TEST_DATABASE_PREFIX}{uuid.uuid4().hex[:16]}"
        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self._names.append(name)
        url = make_url(self._server_url).set(database=name).render_as_string(hide_password=False)
        if migrated:
            upgrade_to_head(url)
        return url

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name is not None
        with self._admin() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if name in self._names:
            self._names.remove(name)

    def drop_all(self) -> None:
        server = make_url(self._server_url)
        for name in list(self._names):
            self.drop(server.set(database=name).render_as_string(hide_password=False))

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(_libpq_conninfo(self._server_url), autocommit=True)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The URL of a reachable PostgreSQL server (see the module docstring for how it is found)."""
    with ExitStack() as stack:
        explicit = os.environ.get("TEST_DATABASE_URL", "").strip()
        if explicit:
            if not _accepts_connections(explicit):
                pytest.fail(f"TEST_DATABASE_URL={explicit!r} does not accept connections")
            yield explicit
            return
        url = _start_container(stack)
        if url is None and _accepts_connections(LOCAL_POSTGRES_URL):
            url = LOCAL_POSTGRES_URL
        if url is None:
            reason = (
                "no PostgreSQL server: set TEST_DATABASE_URL, start a Docker engine, or run one "
                "at 127.0.0.1:5432"
            )
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason} (CI must run the PostgreSQL tests)")
            pytest.skip(reason)
        yield url


@pytest.fixture(scope="session")
def postgres_databases(postgres_server_url: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_server_url)
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="session")
def postgres_url(postgres_databases: PostgresDatabases) -> str:
    return postgres_databases.create(migrated=True)


@pytest.fixture
def empty_postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    url = postgres_databases.create(migrated=False)
    try:
        yield url
    finally:
        postgres_databases.drop(url)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once; each test gets a copy (much faster than migrating)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "clipstream.db"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


async def _engine_on_empty_tables(url: str, pool_size: int = 4) -> AsyncEngine:
    """An engine on the database at `url`, its tables emptied on PostgreSQL (shared by the
    session); the contract suites build their adapters on it."""
    engine = create_engine(url, pool_size=pool_size)
    if engine.dialect.name == "postgresql":  # the database is shared by the session: empty it
        names = ", ".join(table.name for table in metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {names}"))
    return engine


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage_url(request: pytest.FixtureRequest) -> str | None:
    """The database URL of the adapter under test; None for the in-memory adapter."""
    if request.param == "memory":
        return None
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
async def uow_factory(storage_url: str | None) -> AsyncIterator[UnitOfWorkFactory]:
    if storage_url is None:
        store = MemoryDatabase()
        yield lambda: MemoryUnitOfWork(store)
        return
    engine = await _engine_on_empty_tables(storage_url)
    try:
        yield SqlUnitOfWorkFactory(engine)
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database of each SQL dialect."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
async def sql_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = await _engine_on_empty_tables(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = await _engine_on_empty_tables(postgres_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def own_postgres_engine(postgres_databases: PostgresDatabases) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated PostgreSQL database of the test's own: a test that loads rows and
    ANALYZEs them must not change the plans of other tests (statistics outlive TRUNCATE)."""
    url = postgres_databases.create(migrated=True)
    engine = create_engine(url, pool_size=4)
    try:
        yield engine
    finally:
        await engine.dispose()
        postgres_databases.drop(url)


# S3 (moto's server mode) -----------------------------------------------------------------------

S3_REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def aws_environment() -> Iterator[None]:
    """Region and (unless real ones are set) fake credentials for boto3's default chain."""
    with pytest.MonkeyPatch.context() as patch:
        if not os.environ.get("AWS_ACCESS_KEY_ID"):
            patch.delenv("AWS_PROFILE", raising=False)
            patch.setenv("AWS_ACCESS_KEY_ID", "testing")
            patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            patch.delenv("AWS_SESSION_TOKEN", raising=False)
        patch.setenv("AWS_DEFAULT_REGION", S3_REGION)
        yield


@pytest.fixture(scope="session")
def moto_endpoint(aws_environment: None) -> Iterator[str]:
    """The URL of moto's S3 server (a real HTTP endpoint), started once for the session."""
    from moto.server import ThreadedMotoServer

    port = _free_tcp_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
