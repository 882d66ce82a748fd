"""The seeded media: the sample clip processed once, as the `media` job processes an upload
(poster with its BlurHash, renditions, HLS, faststart MP4), and a few avatars cut from its frames;
every seeded video then gets a copy of the processed files, and every user one of the avatars.

Processing one clip takes a few seconds whatever the scale; the copies are hard links on local
files and server-side copies on S3 (see `files`).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from uuid import UUID

from application.ports.image_processor import ImageProcessor
from application.ports.media_processor import MediaProcessor, ProcessedMedia, ProcessingPlan
from application.users.avatar_keys import avatar_key
from application.videos.settings import ProcessingPolicy
from application.videos.storage_keys import output_key, poster_key, source_key
from domain.media import AVATAR_MAX_PIXELS, AVATAR_SIZES, Rendition
from entrypoints.seed.generate import CONTENT_TYPE

# Where in the sample clip (seconds) the avatars' frames are taken: one avatar each.
AVATAR_FRAMES = (0.1, 0.6, 1.1, 1.6)


@dataclass(frozen=True, slots=True)
class ObjectCopies:
    """One object that many owners get a copy of: its bytes, and the key of each owner's copy."""

    data: bytes
    content_type: str
    key_of: Callable[[UUID], str]
    owners: Sequence[UUID]

    def keys(self, start: int = 0, stop: int | None = None) -> list[str]:
        return [self.key_of(owner) for owner in self.owners[start:stop]]


@dataclass(frozen=True, slots=True)
class VideoMedia:
    """What processing found and made of the sample: every seeded video carries it."""

    duration_seconds: float
    width: int
    height: int
    renditions: tuple[Rendition, ...]
    poster_version: str
    blurhash: str
    files: tuple[
        tuple[Callable[[UUID], str], bytes, str], ...
    ]  # (key of a video's copy, bytes, type)


@dataclass(frozen=True, slots=True)
class Avatar:
    """One avatar picture at every size, under its version."""

    version: str
    variants: dict[int, bytes]
    content_type: str


@dataclass(frozen=True, slots=True)
class SeedMedia:
    """The processed sample and the avatars; `None` fields when the run keeps plain originals."""

    video: VideoMedia | None = None
    avatars: tuple[Avatar, ...] = ()

    def copies(
        self, sample: bytes, video_ids: Sequence[UUID], user_ids: Sequence[UUID]
    ) -> list[ObjectCopies]:
        """Every object the run stores: the original upload of each video first, then its
        processed files, then the users' avatars (user `i` gets avatar `i mod len(avatars)`)."""
        copies = [ObjectCopies(sample, CONTENT_TYPE, source_key, video_ids)]
        if self.video is not None:
            for key_of, data, content_type in self.video.files:
                copies.append(ObjectCopies(data, content_type, key_of, video_ids))
        for index, avatar in enumerate(self.avatars):
            owners = user_ids[index :: len(self.avatars)]
            for size in AVATAR_SIZES:
                key_of = partial(_avatar_key, avatar.version, size)
                copies.append(
                    ObjectCopies(avatar.variants[size], avatar.content_type, key_of, owners)
                )
        return copies

    def avatar_version(self, user: int) -> str | None:
        """The avatar version of the `user`-th seeded user (None: no avatar)."""
        return self.avatars[user % len(self.avatars)].version if self.avatars else None


def _output_key(name: str, video_id: UUID) -> str:
    return output_key(video_id, name)


def _poster_key(version: str, video_id: UUID) -> str:
    return poster_key(video_id, version)


def _avatar_key(version: str, size: int, user_id: UUID) -> str:
    return avatar_key(user_id, version, size)


async def process_sample(
    sample: bytes,
    processor: MediaProcessor,
    images: ImageProcessor,
    policy: ProcessingPolicy,
) -> SeedMedia:
    """Process `sample` as the `media` job would (in the processor's child processes), and make
    avatars of a few of its frames. Raises what the processors raise."""
    plan = ProcessingPlan(
        rendition_heights=policy.rendition_heights,
        max_duration_seconds=policy.max_duration_seconds,
    )
    async with processor.workspace() as workspace:
        source = workspace / "sample.mp4"
        await asyncio.to_thread(source.write_bytes, sample)
        output = workspace / "output"
        output.mkdir()
        processed = await processor.process(source, output, plan)
        video = await asyncio.to_thread(_video_media, processed, output)
        avatars = []
        for index, at_seconds in enumerate(AVATAR_FRAMES):
            frame_dir = workspace / f"frame-{index}"
            frame_dir.mkdir()
            frame = await processor.poster_at(source, frame_dir, at_seconds)
            picture = await asyncio.to_thread((frame_dir / frame.file.name).read_bytes)
            made = await images.avatar(picture, sizes=AVATAR_SIZES, max_pixels=AVATAR_MAX_PIXELS)
            avatars.append(Avatar(secrets.token_hex(16), dict(made.variants), made.content_type))
    return SeedMedia(video=video, avatars=tuple(avatars))


def _video_media(processed: ProcessedMedia, output: Path) -> VideoMedia:
    """The processed sample as every seeded video holds it: the files at the keys the `media` job
    gives them (the poster under one version for all)."""
    version = secrets.token_hex(16)
    files = tuple(
        (
            partial(_poster_key, version)
            if file == processed.poster.file
            else partial(_output_key, file.name),
            (output / file.name).read_bytes(),
            file.content_type,
        )
        for file in processed.files
    )
    info = processed.info
    return VideoMedia(
        duration_seconds=info.duration_seconds,
        width=info.width,
        height=info.height,
        renditions=tuple(
            Rendition(r.width, r.height, r.bitrate_kbps) for r in processed.renditions
        ),
        poster_version=version,
        blurhash=processed.poster.blurhash,
        files=files,
    )
