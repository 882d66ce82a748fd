"""Videos: the entity, its status machine, visibility, captions and upload rules."""

from __future__ import annotations

import dataclasses
import enum
import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import Conflict, ValidationFailed
from domain.media import Rendition
from domain.moderation import ModerationState

CAPTION_MAX = 2200
HASHTAG_MAX = 100
MAX_HASHTAGS = 30
FAILURE_REASON_MAX = 500

ALLOWED_CONTENT_TYPES = ("video/mp4", "video/webm", "video/quicktime")

# A hashtag: '#' then letters, digits or '_' (Unicode letters included), not preceded by a word
# character (so "a#b" is not a tag).
_HASHTAG_RE = re.compile(rf"(?<![\w#])#(\w{{1,{HASHTAG_MAX}}})")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class VideoStatus(enum.StrEnum):
    """Where a video is in its life: uploading → processing → ready | failed."""

    UPLOADING = "uploading"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"

    def can_become(self, target: VideoStatus) -> bool:
        return target in _TRANSITIONS[self]


_TRANSITIONS: dict[VideoStatus, frozenset[VideoStatus]] = {
    VideoStatus.UPLOADING: frozenset(
        {VideoStatus.PROCESSING, VideoStatus.READY, VideoStatus.FAILED}
    ),
    VideoStatus.PROCESSING: frozenset({VideoStatus.READY, VideoStatus.FAILED}),
    VideoStatus.READY: frozenset(),
    VideoStatus.FAILED: frozenset(),
}


class Visibility(enum.StrEnum):
    """Who may see a video: everybody and in lists; anyone with the link; only the owner."""

    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"


class InvalidTransition(Conflict):
    """The video is not in a status that allows this operation."""


@dataclass(frozen=True, slots=True)
class Caption:
    """At most 2200 characters; its hashtags are the `#words` in it, lower-cased, de-duplicated."""

    text: str
    hashtags: tuple[str, ...]

    @classmethod
    def parse(cls, raw: str | None) -> Caption:
        text = (raw or "").strip()
        if len(text) > CAPTION_MAX:
            raise ValidationFailed.single(
                "caption", f"must be at most {CAPTION_MAX} characters long"
            )
        if _CONTROL_RE.search(text):
            raise ValidationFailed.single("caption", "must not contain control characters")
        tags = list(dict.fromkeys(tag.lower() for tag in _HASHTAG_RE.findall(text)))
        if len(tags) > MAX_HASHTAGS:
            raise ValidationFailed.single("caption", f"may contain at most {MAX_HASHTAGS} hashtags")
        return cls(text=text, hashtags=tuple(tags))


def parse_content_type(raw: str) -> str:
    """One of video/mp4, video/webm, video/quicktime (parameters and case ignored)."""
    value = raw.split(";", 1)[0].strip().lower()
    if value not in ALLOWED_CONTENT_TYPES:
        raise ValidationFailed.single(
            "contentType", f"must be one of {', '.join(ALLOWED_CONTENT_TYPES)}"
        )
    return value


def parse_size(raw: int, max_bytes: int) -> int:
    """1..max_bytes."""
    if not 1 <= raw <= max_bytes:
        raise ValidationFailed.single("sizeBytes", f"must be between 1 and {max_bytes}")
    return raw


def container_matches(content_type: str, head: bytes) -> bool:
    """Whether the first bytes of a file are the container the content type declares.

    MP4 and QuickTime files start with a box whose type at offset 4 is `ftyp` (QuickTime files
    may also start with `moov`, `mdat`, `wide`, `free` or `skip` atoms); WebM starts with the EBML
    magic number 1A 45 DF A3.
    """
    if content_type == "video/webm":
        return head[:4] == b"\x1a\x45\xdf\xa3"
    if content_type == "video/mp4":
        return head[4:8] == b"ftyp"
    if content_type == "video/quicktime":
        return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
    return False


def counts_as_published(status: VideoStatus, visibility: Visibility) -> bool:
    """Whether a video in this status and visibility is published: ready and public (listed for
    everyone, and counted in its owner's `videoCount`)."""
    return status is VideoStatus.READY and visibility is Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class Video:
    """A video and where it is in its life. The object's bytes live in storage under `storage_key`."""

    id: UUID
    owner_id: UUID
    caption: str
    hashtags: tuple[str, ...]
    visibility: Visibility
    status: VideoStatus
    content_type: str
    size_bytes: int
    storage_key: str
    created_at: datetime
    updated_at: datetime
    upload_id: str | None = None  # the storage's multipart upload, while uploading
    upload_expires_at: datetime | None = None
    failure_reason: str | None = None
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    published_at: datetime | None = None
    view_count: int = 0
    like_count: int = 0
    comment_count: int = 0
    share_count: int = 0
    engagement_points: int = 0  # monotone: ranks For You (see domain.ranking)
    # What processing made (set when the video becomes ready): its renditions, smallest first,
    # and its poster (the version names the stored image; a new poster gets a new version).
    renditions: tuple[Rendition, ...] = ()
    poster_version: str | None = None
    blurhash: str | None = None
    poster_at_seconds: float | None = None  # the frame the owner picked for the poster, if any
    # Changed only through `VideoRepository.set_moderation` (a stale copy never overwrites it).
    moderation_state: ModerationState = ModerationState.VISIBLE
    moderation_reason: str | None = None

    @property
    def is_processed(self) -> bool:
        """Ready with what processing makes (a poster, HLS renditions, the MP4 stream)."""
        return self.status is VideoStatus.READY and bool(self.renditions)

    def moved_to(self, target: VideoStatus, now: datetime, *, reason: str | None = None) -> Video:
        """This video in status `target`; raises `InvalidTransition` when the machine forbids it."""
        if not self.status.can_become(target):
            raise InvalidTransition(f"A {self.status} video cannot become {target}.")
        return dataclasses.replace(
            self,
            status=target,
            updated_at=now,
            failure_reason=(reason or "")[:FAILURE_REASON_MAX] or None
            if target is VideoStatus.FAILED
            else None,
            published_at=now if target is VideoStatus.READY else self.published_at,
            upload_id=None if target is not VideoStatus.UPLOADING else self.upload_id,
        )

    @property
    def is_published(self) -> bool:
        """Ready and public: listed for everyone, and counted in the owner's `videoCount`."""
        return counts_as_published(self.status, self.visibility)

    def is_visible_to(self, viewer_id: UUID | None) -> bool:
        """Owners see everything; others see ready public or unlisted videos."""
        if viewer_id == self.owner_id:
            return True
        return self.status is VideoStatus.READY and self.visibility is not Visibility.PRIVATE

    def is_listed_for(self, viewer_id: UUID | None) -> bool:
        """Owners see all their videos in lists; others only ready public ones."""
        return viewer_id == self.owner_id or self.is_published


def published_delta(before: Video | None, after: Video | None) -> int:
    """How a change moves the owner's count of published videos: -1, 0 or +1."""
    return int(after is not None and after.is_published) - int(
        before is not None and before.is_published
    )


def parse_visibility(raw: str) -> Visibility:
    try:
        return Visibility(raw)
    except ValueError:
        raise ValidationFailed.single(
            "visibility", "must be one of public, unlisted, private"
        ) from None
