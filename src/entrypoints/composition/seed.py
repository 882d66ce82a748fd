"""The adapters of `clipstream seed`: a bulk loader on an engine of its own, the video storage, the
password hasher and the media processors (plain functions: the seed is a command, not a long-lived
container)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from adapters.media.pillow_images import PillowImageProcessor
from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.sqlalchemy.bulk_loader import SqlBulkLoader
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.storage.factory import build_storage
from adapters.storage.upload_grants import HmacUploadGrants
from application.ports.bulk_loader import BulkLoader
from application.ports.image_processor import ImageProcessor
from application.ports.media_processor import MediaProcessor
from application.ports.object_storage import ObjectStorage
from application.ports.password_hasher import PasswordHasher
from application.videos.settings import ProcessingPolicy
from entrypoints.composition.core import build_media_processor, build_processing_policy
from entrypoints.config import Settings


@dataclass(frozen=True, slots=True)
class SeedAdapters:
    """What `clipstream seed` works with, and how to name them to the operator."""

    loader: BulkLoader
    storage: ObjectStorage
    hasher: PasswordHasher
    media: MediaProcessor
    images: ImageProcessor
    processing: ProcessingPolicy
    public_url: str  # of the API, in avatar URLs
    database: str  # the URL, password hidden
    storage_url: str


def build_seed_storage(settings: Settings) -> ObjectStorage:
    """The video storage of `settings`, for `clipstream seed` (see `seed_storage`)."""
    return build_storage(
        settings.storage_url,
        grants=HmacUploadGrants(settings.jwt_secret),
        public_url=settings.api_base_url,
        s3_endpoint_url=settings.s3_endpoint_url,
        s3_public_endpoint_url=settings.s3_public_endpoint_url,
    )


@asynccontextmanager
async def seed_storage(settings: Settings) -> AsyncIterator[ObjectStorage]:
    """The video storage of `settings`, for `clipstream seed` (closed when the block ends)."""
    storage = build_seed_storage(settings)
    try:
        yield storage
    finally:
        close = getattr(storage, "close", None)  # S3 has clients to close; local files have none
        if close is not None:
            await close()


@asynccontextmanager
async def seed_adapters(settings: Settings) -> AsyncIterator[SeedAdapters]:
    """The adapters of `clipstream seed`, closed when the block ends: a bulk loader on an engine of
    its own without the request deadlines (a load is long by nature), the storage, the password
    hasher. An SQLite database is migrated first, as `serve` does; PostgreSQL explicitly."""
    if settings.is_sqlite:
        upgrade_to_head(settings.database_url)
    engine = create_engine(settings.database_url, pool_size=2, statement_timeout_ms=0)
    try:
        async with seed_storage(settings) as storage:
            yield SeedAdapters(
                loader=SqlBulkLoader(engine, settings.database_url),
                storage=storage,
                hasher=BcryptPasswordHasher(rounds=settings.bcrypt_rounds),
                media=build_media_processor(settings),
                images=PillowImageProcessor(),
                processing=build_processing_policy(settings),
                public_url=settings.api_base_url,
                database=make_url(settings.database_url).render_as_string(hide_password=True),
                storage_url=settings.storage_url,
            )
    finally:
        await engine.dispose()
