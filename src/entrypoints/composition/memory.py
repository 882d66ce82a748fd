"""`MemoryAdapters`: everything in this process's memory (tests, demos); nothing to start or stop."""

from __future__ import annotations

import functools
from collections.abc import Callable

from dependency_injector import providers

from adapters.jobs.memory import MemoryJobStatistics
from adapters.jobs.runner import Doorbell
from adapters.memory.account_queries import MemoryAccountQueries
from adapters.memory.blocks import MemoryBlockQueries
from adapters.memory.collection_queries import MemoryCollectionQueries
from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.moderation import MemoryModerationQueries
from adapters.memory.search import MemorySearchIndex
from adapters.memory.social_queries import (
    MemoryCommentQueries,
    MemoryFeedQueries,
    MemoryFollowQueries,
)
from adapters.memory.store import MemoryDatabase
from adapters.memory.taste import MemoryTasteQueries
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.memory.watches import MemoryHashtagQueries
from adapters.storage.memory import MemoryObjectStorage
from adapters.storage.probe import StorageProbe
from application.ports.clock import Clock
from entrypoints.composition.adapter_set import AdapterSet
from entrypoints.composition.wiring import listed, singleton


def _units_of_work(store: MemoryDatabase, clock: Clock) -> Callable[[], MemoryUnitOfWork]:
    """A new unit of work per call; jobs it enqueues are due by this clock."""
    return functools.partial(MemoryUnitOfWork, store, clock)


class MemoryAdapters(AdapterSet):
    """The in-memory store and object storage."""

    core = providers.DependenciesContainer()
    store = providers.Singleton(MemoryDatabase)
    # Use cases take a factory of units of work: a new one per call.
    unit_of_work = singleton(_units_of_work, store, core.clock)
    _video_queries = singleton(MemoryVideoQueries, store)  # the feeds build their views with it
    video_queries = _video_queries
    account_queries = singleton(MemoryAccountQueries, store)
    follow_queries = singleton(MemoryFollowQueries, store)
    comment_queries = singleton(MemoryCommentQueries, store)
    feed_queries = singleton(MemoryFeedQueries, store, _video_queries)
    block_queries = singleton(MemoryBlockQueries, store)
    moderation_queries = singleton(MemoryModerationQueries, store, _video_queries)
    search_index = singleton(MemorySearchIndex, store, _video_queries)
    hashtag_queries = singleton(MemoryHashtagQueries, store)
    taste_queries = singleton(MemoryTasteQueries, store)
    collection_queries = singleton(MemoryCollectionQueries, store, _video_queries)
    idempotency_store = singleton(MemoryIdempotencyStore)
    _storage = providers.Singleton(
        MemoryObjectStorage,
        grants=core.upload_grants,
        public_url=core.settings.provided.api_base_url,
    )
    storage = _storage
    probes = listed(singleton(StorageProbe, _storage, providers.Object("memory")))
    metrics = listed()
    job_statistics = singleton(MemoryJobStatistics, store, core.clock)
    doorbell = singleton(Doorbell)
