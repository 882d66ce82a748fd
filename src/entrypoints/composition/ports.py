"""The typed seam between the adapters and the use cases: one provider slot per port.

`Core` fills `CorePorts`, each adapter set (memory, SQL) fills `StoragePorts`, `Common` fills
`CommonServices`; mypy checks every filling against the slot's type (a subclass's attribute must
match the declaration), so an adapter that does not implement its port is a type error where it is
wired. Feature containers inherit `Ports` and build their use cases from these slots with
`singleton` (checked too); `build_container` fills the slots of every feature, name for name.
"""

from __future__ import annotations

from collections.abc import Sequence

from dependency_injector import containers, providers

from application.common.idempotency import IdempotentRequests
from application.common.password_check import PasswordCheck
from application.common.storage_cleanup import StorageCleanup
from application.ports.account_queries import AccountQueries
from application.ports.block_queries import BlockQueries
from application.ports.clock import Clock
from application.ports.collection_queries import CollectionQueries
from application.ports.comment_queries import CommentQueries
from application.ports.dependency_probe import DependencyProbe
from application.ports.feed_queries import FeedQueries
from application.ports.follow_queries import FollowQueries
from application.ports.hashtag_queries import HashtagQueries
from application.ports.id_generator import IdGenerator
from application.ports.idempotency_store import IdempotencyStore
from application.ports.image_processor import ImageProcessor
from application.ports.login_attempt_store import LoginAttemptStore
from application.ports.media_processor import MediaProcessor
from application.ports.media_urls import MediaUrls
from application.ports.moderation_queries import ModerationQueries
from application.ports.object_storage import ObjectStorage
from application.ports.password_hasher import PasswordHasher
from application.ports.search_index import SearchIndex
from application.ports.taste_queries import TasteQueries
from application.ports.token_service import TokenService
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.upload_grants import UploadGrants
from application.ports.video_queries import VideoQueries
from application.ports.view_deduplicator import ViewDeduplicator
from application.ports.walk_store import WalkStore
from application.safety.policy import SafetyPolicy
from application.videos.settings import PlaybackPolicy, ProcessingPolicy, UploadPolicy
from entrypoints.composition.wiring import Slot


class CorePorts(containers.DeclarativeContainer):
    """Time, identifiers, credentials, state shared between instances, upload and playback rules,
    picture decoding: `Core`."""

    clock: Slot[Clock] = providers.Dependency()
    ids: Slot[IdGenerator] = providers.Dependency()
    hasher: Slot[PasswordHasher] = providers.Dependency()
    tokens: Slot[TokenService] = providers.Dependency()
    login_attempts: Slot[LoginAttemptStore] = providers.Dependency()
    views: Slot[ViewDeduplicator] = providers.Dependency()
    walks: Slot[WalkStore] = providers.Dependency()
    upload_grants: Slot[UploadGrants] = providers.Dependency()
    upload_policy: Slot[UploadPolicy] = providers.Dependency()
    public_url: Slot[str] = providers.Dependency()
    media_urls: Slot[MediaUrls] = providers.Dependency()
    playback_policy: Slot[PlaybackPolicy] = providers.Dependency()
    images: Slot[ImageProcessor] = providers.Dependency()
    media: Slot[MediaProcessor] = providers.Dependency()
    processing_policy: Slot[ProcessingPolicy] = providers.Dependency()
    safety_policy: Slot[SafetyPolicy] = providers.Dependency()


class StoragePorts(containers.DeclarativeContainer):
    """Where the data lives: each adapter set (`MemoryAdapters`, `SqlAdapters`) fills all of these."""

    unit_of_work: Slot[UnitOfWorkFactory] = providers.Dependency()
    account_queries: Slot[AccountQueries] = providers.Dependency()
    video_queries: Slot[VideoQueries] = providers.Dependency()
    follow_queries: Slot[FollowQueries] = providers.Dependency()
    comment_queries: Slot[CommentQueries] = providers.Dependency()
    feed_queries: Slot[FeedQueries] = providers.Dependency()
    block_queries: Slot[BlockQueries] = providers.Dependency()
    moderation_queries: Slot[ModerationQueries] = providers.Dependency()
    search_index: Slot[SearchIndex] = providers.Dependency()
    hashtag_queries: Slot[HashtagQueries] = providers.Dependency()
    taste_queries: Slot[TasteQueries] = providers.Dependency()
    collection_queries: Slot[CollectionQueries] = providers.Dependency()
    idempotency_store: Slot[IdempotencyStore] = providers.Dependency()
    storage: Slot[ObjectStorage] = providers.Dependency()
    probes: Slot[Sequence[DependencyProbe]] = providers.Dependency()


class CommonServices(containers.DeclarativeContainer):
    """The services of `application.common` that several features share: `Common`."""

    password_check: Slot[PasswordCheck] = providers.Dependency()
    storage_cleanup: Slot[StorageCleanup] = providers.Dependency()
    idempotency: Slot[IdempotentRequests] = providers.Dependency()


class Ports(CorePorts, StoragePorts, CommonServices):
    """Everything a feature's use cases are built from; the composition root fills every slot."""
