"""The composition root: dependency-injector containers wiring adapters into use cases."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from datetime import timedelta

from dependency_injector import containers, providers
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.account_queries import MemoryAccountQueries
from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.login_attempts import MemoryLoginAttemptStore
from adapters.memory.social_queries import (
    MemoryCommentQueries,
    MemoryFeedQueries,
    MemoryFollowQueries,
)
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.memory.views import MemoryViewDeduplicator
from adapters.redis.login_attempts import RedisLoginAttemptStore
from adapters.redis.views import RedisViewDeduplicator
from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.security.jwt_tokens import JwtTokenService
from adapters.sqlalchemy.account_queries import SqlAccountQueries
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.idempotency import SqlIdempotencyStore
from adapters.sqlalchemy.probe import DatabaseProbe
from adapters.sqlalchemy.reads import Reader, create_reader
from adapters.sqlalchemy.social_queries import SqlCommentQueries, SqlFeedQueries, SqlFollowQueries
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from adapters.sqlalchemy.video_queries import SqlVideoQueries
from adapters.storage.factory import build_storage
from adapters.storage.memory import MemoryObjectStorage
from adapters.storage.probe import StorageProbe
from adapters.storage.upload_grants import HmacUploadGrants
from adapters.system import SystemClock, Uuid7Generator
from application.auth.authenticate import Authenticate
from application.auth.change_password import ChangePassword
from application.auth.login import Login
from application.auth.logout import Logout
from application.auth.logout_all import LogoutAll
from application.auth.refresh import RefreshTokens
from application.auth.register import Register
from application.auth.session_tokens import SessionTokens
from application.common.idempotency import IdempotentRequests
from application.common.password_check import PasswordCheck
from application.common.storage_cleanup import StorageCleanup
from application.health.check_readiness import CheckReadiness
from application.maintenance.expire_uploads import ExpireUploads
from application.social.create_comment import CreateComment
from application.social.delete_comment import DeleteComment
from application.social.edit_comment import EditComment
from application.social.feeds import FollowingFeed, ForYouFeed
from application.social.follow import FollowUser, UnfollowUser
from application.social.follower_lists import ListFollowers, ListFollowing
from application.social.like_comment import LikeComment, UnlikeComment
from application.social.like_video import LikeVideo, UnlikeVideo
from application.social.read_comments import GetComment, ListComments, ListReplies
from application.social.record_view import RecordView
from application.users.delete_account import DeleteAccount
from application.users.get_me import GetMe
from application.users.get_user import GetUser
from application.users.search_users import SearchUsers
from application.users.update_profile import UpdateProfile
from application.videos.complete_upload import CompleteUpload
from application.videos.create_video import CreateVideo
from application.videos.delete_video import DeleteVideo
from application.videos.get_video import GetVideo
from application.videos.list_user_videos import ListUserVideos
from application.videos.list_videos import ListVideos
from application.videos.receive_upload import ReceiveUpload
from application.videos.settings import UploadPolicy
from application.videos.stream_video import StreamVideo
from application.videos.update_video import UpdateVideo
from entrypoints.config import Settings

REFRESH_TOKEN_TTL = timedelta(days=30)


class Core(containers.DeclarativeContainer):
    """Settings, time, identifiers and security services."""

    settings = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Generator)
    hasher = providers.Singleton(BcryptPasswordHasher, rounds=settings.provided.bcrypt_rounds)
    tokens = providers.Singleton(
        JwtTokenService,
        secret=settings.provided.jwt_secret,
        previous_secrets=settings.provided.jwt_previous_secrets,
    )
    # Redis answers in well under a millisecond: one that does not within 2 s is an outage (503).
    redis = providers.Singleton(
        Redis.from_url, settings.provided.redis_url, socket_connect_timeout=2, socket_timeout=2
    )
    login_attempts = providers.Singleton(MemoryLoginAttemptStore, clock=clock)
    views = providers.Singleton(MemoryViewDeduplicator, clock=clock)
    upload_grants = providers.Singleton(HmacUploadGrants, secret=settings.provided.jwt_secret)
    upload_policy = providers.Singleton(
        UploadPolicy,
        max_bytes=settings.provided.max_upload_bytes,
        multipart_threshold=settings.provided.multipart_threshold_bytes,
        upload_ttl=providers.Factory(timedelta, seconds=settings.provided.upload_ttl_seconds),
    )


class MemoryAdapters(containers.DeclarativeContainer):
    """The in-memory storage (tests, demos): nothing to start or stop."""

    core = providers.DependenciesContainer()
    store = providers.Singleton(MemoryDatabase)
    unit_of_work = providers.Factory(MemoryUnitOfWork, store)
    video_queries = providers.Singleton(MemoryVideoQueries, store)
    account_queries = providers.Singleton(MemoryAccountQueries, store)
    follow_queries = providers.Singleton(MemoryFollowQueries, store)
    comment_queries = providers.Singleton(MemoryCommentQueries, store)
    feed_queries = providers.Singleton(MemoryFeedQueries, store, video_queries)
    idempotency_store = providers.Singleton(MemoryIdempotencyStore)
    storage = providers.Singleton(
        MemoryObjectStorage,
        grants=core.upload_grants,
        public_url=core.settings.provided.api_base_url,
    )
    probes = providers.List(providers.Singleton(StorageProbe, storage))


async def _dispose_at_shutdown(engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    await engine.dispose()


async def _close_reader_at_shutdown(reader: Reader) -> AsyncIterator[None]:
    yield
    await reader.close()


async def _close_at_shutdown(storage: object) -> AsyncIterator[None]:
    yield
    close = getattr(storage, "close", None)  # S3 has clients to close; local files have none
    if close is not None:
        await close()


class SqlAdapters(containers.DeclarativeContainer):
    """SQLAlchemy storage on PostgreSQL or SQLite."""

    core = providers.DependenciesContainer()
    engine = providers.Singleton(create_engine, core.settings.provided.database_url)
    engine_lifetime = providers.Resource(_dispose_at_shutdown, engine)
    # The read side's own data path (a raw psycopg pool on PostgreSQL; see adapters.sqlalchemy.reads).
    reader = providers.Singleton(create_reader, core.settings.provided.database_url, engine)
    reader_lifetime = providers.Resource(_close_reader_at_shutdown, reader)
    unit_of_work = providers.Factory(SqlUnitOfWork, engine)
    video_queries = providers.Singleton(SqlVideoQueries, engine, reader)
    account_queries = providers.Singleton(SqlAccountQueries, engine, reader)
    follow_queries = providers.Singleton(SqlFollowQueries, engine, reader)
    comment_queries = providers.Singleton(SqlCommentQueries, engine, reader)
    feed_queries = providers.Singleton(SqlFeedQueries, engine, reader)
    idempotency_store = providers.Singleton(SqlIdempotencyStore, engine)
    storage = providers.Singleton(
        build_storage,
        core.settings.provided.storage_url,
        grants=core.upload_grants,
        public_url=core.settings.provided.api_base_url,
        s3_endpoint_url=core.settings.provided.s3_endpoint_url,
        s3_public_endpoint_url=core.settings.provided.s3_public_endpoint_url,
    )
    storage_lifetime = providers.Resource(_close_at_shutdown, storage)
    probes = providers.List(
        providers.Singleton(DatabaseProbe, engine), providers.Singleton(StorageProbe, storage)
    )


class UseCases(containers.DeclarativeContainer):
    """One singleton per use case: they are stateless, so requests share them."""

    core = providers.DependenciesContainer()
    adapters = providers.DependenciesContainer()

    _uow = adapters.unit_of_work.provider
    _session_tokens = providers.Singleton(
        SessionTokens,
        clock=core.clock,
        ids=core.ids,
        tokens=core.tokens,
        refresh_ttl=REFRESH_TOKEN_TTL,
    )
    _password_check = providers.Singleton(
        PasswordCheck, hasher=core.hasher, attempts=core.login_attempts
    )

    authenticate = providers.Singleton(
        Authenticate, adapters.account_queries, core.tokens, core.clock
    )
    register = providers.Singleton(
        Register, _uow, core.hasher, _session_tokens, core.clock, core.ids
    )
    login = providers.Singleton(Login, _uow, core.hasher, core.login_attempts, _session_tokens)
    refresh_tokens = providers.Singleton(RefreshTokens, _uow, _session_tokens, core.clock)
    logout = providers.Singleton(Logout, _uow, core.clock)
    logout_all = providers.Singleton(LogoutAll, _uow, core.clock)
    change_password = providers.Singleton(
        ChangePassword, _uow, core.hasher, _password_check, core.clock
    )
    storage_cleanup = providers.Singleton(StorageCleanup, _uow, adapters.storage, core.clock)
    get_me = providers.Singleton(GetMe, adapters.account_queries)
    update_profile = providers.Singleton(UpdateProfile, _uow, core.clock)
    delete_account = providers.Singleton(
        DeleteAccount, _uow, _password_check, storage_cleanup, core.clock
    )
    get_user = providers.Singleton(GetUser, adapters.account_queries, adapters.follow_queries)
    search_users = providers.Singleton(SearchUsers, _uow, adapters.follow_queries)
    check_readiness = providers.Singleton(CheckReadiness, adapters.probes)

    idempotency = providers.Singleton(IdempotentRequests, adapters.idempotency_store, core.clock)
    create_video = providers.Singleton(
        CreateVideo, _uow, adapters.storage, core.upload_policy, core.clock, core.ids
    )
    complete_upload = providers.Singleton(
        CompleteUpload, _uow, adapters.storage, adapters.video_queries, storage_cleanup, core.clock
    )
    get_video = providers.Singleton(GetVideo, adapters.video_queries)
    list_videos = providers.Singleton(ListVideos, adapters.video_queries)
    list_user_videos = providers.Singleton(
        ListUserVideos, adapters.account_queries, adapters.video_queries
    )
    update_video = providers.Singleton(UpdateVideo, _uow, adapters.video_queries, core.clock)
    delete_video = providers.Singleton(DeleteVideo, _uow, storage_cleanup, core.clock)
    stream_video = providers.Singleton(StreamVideo, adapters.video_queries, adapters.storage)
    receive_upload = providers.Singleton(
        ReceiveUpload, _uow, adapters.storage, core.upload_grants, core.clock
    )
    expire_uploads = providers.Singleton(ExpireUploads, _uow, storage_cleanup, core.clock)

    follow_user = providers.Singleton(FollowUser, _uow, core.clock)
    unfollow_user = providers.Singleton(UnfollowUser, _uow)
    list_followers = providers.Singleton(
        ListFollowers, adapters.account_queries, adapters.follow_queries
    )
    list_following = providers.Singleton(
        ListFollowing, adapters.account_queries, adapters.follow_queries
    )
    like_video = providers.Singleton(LikeVideo, _uow, core.clock)
    unlike_video = providers.Singleton(UnlikeVideo, _uow)
    like_comment = providers.Singleton(LikeComment, _uow, core.clock)
    unlike_comment = providers.Singleton(UnlikeComment, _uow)
    create_comment = providers.Singleton(
        CreateComment, _uow, adapters.comment_queries, core.clock, core.ids
    )
    edit_comment = providers.Singleton(EditComment, _uow, adapters.comment_queries, core.clock)
    delete_comment = providers.Singleton(DeleteComment, _uow)
    get_comment = providers.Singleton(GetComment, _uow, adapters.comment_queries)
    list_comments = providers.Singleton(
        ListComments, adapters.video_queries, adapters.comment_queries
    )
    list_replies = providers.Singleton(ListReplies, _uow, adapters.comment_queries)
    record_view = providers.Singleton(RecordView, _uow, core.views)
    for_you_feed = providers.Singleton(ForYouFeed, adapters.feed_queries, core.clock)
    following_feed = providers.Singleton(FollowingFeed, adapters.feed_queries)


class Container(containers.DeclarativeContainer):
    """The whole application. Build it with `build_container`."""

    settings = providers.Dependency(instance_of=Settings)
    core = providers.Container(Core, settings=settings)
    adapters = providers.DependenciesContainer()
    use_cases = providers.Container(UseCases, core=core, adapters=adapters)


def build_container(settings: Settings, *, storage: str = "sql") -> Container:
    """A container on the SQL adapters (`storage="sql"`) or the in-memory ones (`"memory"`)."""
    container = Container(settings=settings)
    adapter_set: containers.DeclarativeContainer
    if storage == "memory":
        adapter_set = MemoryAdapters(core=container.core)
    elif storage == "sql":
        adapter_set = SqlAdapters(core=container.core)
    else:
        raise ValueError(f"unknown storage {storage!r}")
    # Nested containers do not see an override of the parent's DependenciesContainer: set both.
    container.adapters.override(adapter_set)
    container.use_cases.adapters.override(adapter_set)
    if settings.redis_url:  # state shared by every instance
        core = container.core
        core.login_attempts.override(
            providers.Singleton(RedisLoginAttemptStore, core.redis, core.clock)
        )
        core.views.override(providers.Singleton(RedisViewDeduplicator, core.redis))
    container.adapter_set = adapter_set
    return container


async def start(container: Container) -> None:
    """Start the async resources of the adapters (awaited in the app's lifespan)."""
    result = container.adapter_set.init_resources()  # type: ignore[attr-defined]
    if inspect.isawaitable(result):
        await result


async def stop(container: Container) -> None:
    """Stop the async resources of the adapters (awaited in the app's lifespan)."""
    result = container.adapter_set.shutdown_resources()  # type: ignore[attr-defined]
    if inspect.isawaitable(result):
        await result
    if container.core.settings().redis_url:
        await container.core.redis().aclose()
