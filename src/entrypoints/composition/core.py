"""`Core`: settings, time, identifiers, credentials, and the state every instance shares."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers
from litestar.stores.memory import MemoryStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import Redis

from adapters.media.encoder_settings import X264Settings
from adapters.media.pillow_images import PillowImageProcessor
from adapters.media.pyav_processor import MediaLimits, PyAvMediaProcessor
from adapters.memory.login_attempts import MemoryLoginAttemptStore
from adapters.memory.views import MemoryViewDeduplicator
from adapters.memory.walks import MemoryWalkStore
from adapters.redis.login_attempts import RedisLoginAttemptStore
from adapters.redis.rate_limit import RedisRateLimitStore
from adapters.redis.views import RedisViewDeduplicator
from adapters.redis.walks import RedisWalkStore
from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.security.jwt_tokens import JwtTokenService
from adapters.storage.media_urls import HmacMediaUrls
from adapters.storage.upload_grants import HmacUploadGrants
from adapters.system import SystemClock, Uuid7Generator
from application.ports.login_attempt_store import LoginAttemptStore
from application.ports.view_deduplicator import ViewDeduplicator
from application.ports.walk_store import WalkStore
from application.safety.policy import SafetyPolicy
from application.videos.settings import PlaybackPolicy, ProcessingPolicy, UploadPolicy
from entrypoints.composition.ports import CorePorts
from entrypoints.composition.wiring import Slot, singleton
from entrypoints.config import Settings


def _api_base_url(settings: Settings) -> str:
    return settings.api_base_url


def build_media_processor(settings: Settings) -> PyAvMediaProcessor:
    """PyAV, each call in a child process under the configured time and memory limits."""
    return PyAvMediaProcessor(
        MediaLimits(
            timeout_seconds=settings.processing_timeout_seconds,
            memory_bytes=settings.processing_memory_mb * 1024 * 1024,
        ),
        X264Settings(preset=settings.x264_preset, crf=settings.x264_crf),
    )


def build_processing_policy(settings: Settings) -> ProcessingPolicy:
    return ProcessingPolicy(
        rendition_heights=settings.rendition_heights,
        max_duration_seconds=settings.max_duration_seconds,
        keep_originals=settings.keep_originals,
    )


def _memory_stores() -> StoreRegistry:
    """Rate-limit counters of this process only."""
    return StoreRegistry(default_factory=lambda _name: MemoryStore())


def _redis_stores(client: Redis) -> StoreRegistry:
    """Rate-limit counters in Redis, shared by every instance (counted atomically)."""
    return StoreRegistry(
        default_factory=lambda name: RedisRateLimitStore(client, namespace=f"clipstream:{name}")
    )


class Core(CorePorts):
    """Settings, time, identifiers, security services, and the HTTP layer's stores."""

    settings = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Generator)
    hasher = providers.Singleton(BcryptPasswordHasher, rounds=settings.provided.bcrypt_rounds)
    tokens = providers.Singleton(
        JwtTokenService,
        secret=settings.provided.jwt_secret,
        previous_secrets=settings.provided.jwt_previous_secrets,
    )
    login_attempts = singleton(MemoryLoginAttemptStore, clock)
    views = singleton(MemoryViewDeduplicator, clock)
    walks = singleton(MemoryWalkStore, clock)
    upload_grants = providers.Singleton(HmacUploadGrants, secret=settings.provided.jwt_secret)
    upload_policy = providers.Singleton(
        UploadPolicy,
        max_bytes=settings.provided.max_upload_bytes,
        multipart_threshold=settings.provided.multipart_threshold_bytes,
        upload_ttl=providers.Factory(timedelta, seconds=settings.provided.upload_ttl_seconds),
    )
    public_url: providers.Singleton[str] = providers.Singleton(_api_base_url, settings)
    media_urls = providers.Singleton(
        HmacMediaUrls,
        secret=settings.provided.jwt_secret,
        public_url=settings.provided.api_base_url,
    )
    playback_policy = providers.Singleton(
        PlaybackPolicy, url_ttl_seconds=settings.provided.media_url_ttl_seconds
    )
    # Pictures and videos are decoded in child processes: nothing of them runs in this process.
    images = singleton(PillowImageProcessor)
    media: providers.Singleton[PyAvMediaProcessor] = providers.Singleton(
        build_media_processor, settings
    )
    processing_policy: providers.Singleton[ProcessingPolicy] = providers.Singleton(
        build_processing_policy, settings
    )
    safety_policy = providers.Singleton(
        SafetyPolicy, hide_threshold=settings.provided.report_hide_threshold
    )
    # The HTTP layer's stores (Litestar's rate limit counts in them).
    stores = singleton(_memory_stores)

    # With CLIPSTREAM_REDIS_URL, state shared by every instance lives in Redis (`share_in_redis`).
    # Redis answers in well under a millisecond: one that does not within 2 s is an outage (503).
    redis: providers.Singleton[Redis] = providers.Singleton(
        Redis.from_url, settings.provided.redis_url, socket_connect_timeout=2, socket_timeout=2
    )
    redis_login_attempts: Slot[LoginAttemptStore] = singleton(RedisLoginAttemptStore, redis, clock)
    redis_views: Slot[ViewDeduplicator] = singleton(RedisViewDeduplicator, redis)
    redis_walks: Slot[WalkStore] = singleton(RedisWalkStore, redis)
    redis_stores: Slot[StoreRegistry] = singleton(_redis_stores, redis)


def share_in_redis(core: Core) -> None:
    """Login attempts, view de-duplication, pinned walks and rate limits in Redis instead of this
    process."""
    core.login_attempts.override(core.redis_login_attempts)
    core.views.override(core.redis_views)
    core.walks.override(core.redis_walks)
    core.stores.override(core.redis_stores)
