"""`SqlAdapters`: SQLAlchemy on PostgreSQL or SQLite, and files on disk or in S3."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.jobs.procrastinate_queue import ProcrastinateJobStatistics
from adapters.jobs.runner import Doorbell
from adapters.jobs.sql_queue import SqlJobStatistics
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.account_queries import SqlAccountQueries
from adapters.sqlalchemy.blocks import SqlBlockQueries
from adapters.sqlalchemy.collection_queries import SqlCollectionQueries
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.idempotency import SqlIdempotencyStore
from adapters.sqlalchemy.moderation_queries import SqlModerationQueries
from adapters.sqlalchemy.pool_metrics import PoolCollector
from adapters.sqlalchemy.probe import DatabaseProbe
from adapters.sqlalchemy.schema_check import SchemaRevisions, schema_revisions
from adapters.sqlalchemy.search_index import SqlSearchIndex
from adapters.sqlalchemy.select_runner import SelectRunner
from adapters.sqlalchemy.social_queries import SqlCommentQueries, SqlFeedQueries, SqlFollowQueries
from adapters.sqlalchemy.taste_queries import SqlTasteQueries
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from adapters.sqlalchemy.video_queries import SqlVideoQueries
from adapters.sqlalchemy.watches import SqlHashtagQueries
from adapters.storage.factory import build_storage, describe_storage
from adapters.storage.probe import StorageProbe
from application.ports.clock import Clock
from application.ports.job_statistics import JobStatistics
from entrypoints.composition.adapter_set import AdapterSet
from entrypoints.composition.job_queues import is_postgres, task_queue_factory
from entrypoints.composition.wiring import listed, singleton


def _job_statistics(database_url: str, engine: AsyncEngine, clock: Clock) -> JobStatistics:
    if is_postgres(database_url):
        return ProcrastinateJobStatistics(engine)
    return SqlJobStatistics(engine, clock)


async def _dispose_at_shutdown(engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    await engine.dispose()


async def _close_reader_at_shutdown(reader: SelectRunner) -> AsyncIterator[None]:
    yield
    await reader.close()


async def _close_at_shutdown(storage: object) -> AsyncIterator[None]:
    yield
    close = getattr(storage, "close", None)  # S3 has clients to close; local files have none
    if close is not None:
        await close()


class SqlAdapters(AdapterSet):
    """SQLAlchemy storage on PostgreSQL or SQLite; object storage on disk or in S3."""

    core = providers.DependenciesContainer()
    engine: providers.Singleton[AsyncEngine] = providers.Singleton(
        create_engine, core.settings.provided.database_url
    )
    engine_lifetime = providers.Resource(_dispose_at_shutdown, engine)
    # The read side's own data path (a raw psycopg pool on PostgreSQL; see adapters.postgres).
    reader: providers.Singleton[SelectRunner] = providers.Singleton(
        create_select_runner, core.settings.provided.database_url, engine
    )
    reader_lifetime = providers.Resource(_close_reader_at_shutdown, reader)
    doorbell = singleton(Doorbell)
    # Jobs are enqueued on each unit of work's connection: procrastinate on PostgreSQL, the
    # in-process queue's table on SQLite (see composition.job_queues).
    task_queues = providers.Singleton(
        task_queue_factory, core.settings.provided.database_url, core.clock, doorbell
    )
    # Use cases take a factory of units of work: a new one per call.
    unit_of_work = singleton(SqlUnitOfWorkFactory, engine, task_queues)
    video_queries = singleton(SqlVideoQueries, engine, reader)
    account_queries = singleton(SqlAccountQueries, engine, reader)
    follow_queries = singleton(SqlFollowQueries, engine, reader)
    comment_queries = singleton(SqlCommentQueries, engine, reader)
    feed_queries = singleton(SqlFeedQueries, engine, reader)
    block_queries = singleton(SqlBlockQueries, engine, reader)
    moderation_queries = singleton(SqlModerationQueries, engine, reader)
    search_index = singleton(SqlSearchIndex, engine, reader)
    hashtag_queries = singleton(SqlHashtagQueries, engine, reader)
    taste_queries = singleton(SqlTasteQueries, engine, reader)
    collection_queries = singleton(SqlCollectionQueries, engine, reader)
    idempotency_store = singleton(SqlIdempotencyStore, engine)
    _storage = providers.Singleton(
        build_storage,
        core.settings.provided.storage_url,
        grants=core.upload_grants,
        public_url=core.settings.provided.api_base_url,
        s3_endpoint_url=core.settings.provided.s3_endpoint_url,
        s3_public_endpoint_url=core.settings.provided.s3_public_endpoint_url,
    )
    storage = _storage
    storage_lifetime = providers.Resource(_close_at_shutdown, _storage)
    # Readiness: the database answers at this release's schema revision; the storage answers.
    _revisions: providers.Singleton[SchemaRevisions] = providers.Singleton(schema_revisions)
    _storage_location = providers.Callable(
        describe_storage,
        core.settings.provided.storage_url,
        core.settings.provided.s3_endpoint_url,
    )
    probes = listed(
        singleton(DatabaseProbe, engine, _revisions),
        singleton(StorageProbe, _storage, _storage_location),
    )
    metrics = listed(singleton(PoolCollector, engine))
    job_statistics = providers.Singleton(
        _job_statistics, core.settings.provided.database_url, engine, core.clock
    )
