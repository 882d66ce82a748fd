"""The limits of uploads, as configured."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3's minimum for every part but the last
PREFERRED_PART_SIZE = 16 * MIB
MAX_PARTS = 10_000


@dataclass(frozen=True, slots=True)
class UploadPolicy:
    """How large uploads may be, when they go multipart, and how long their URLs and uploads live."""

    max_bytes: int
    multipart_threshold: int
    url_ttl: timedelta = timedelta(hours=1)
    upload_ttl: timedelta = timedelta(hours=24)

    def part_size(self, size_bytes: int) -> int | None:
        """None for a single upload; else the part size (at least 5 MiB, at most 10,000 parts)."""
        if size_bytes <= self.multipart_threshold:
            return None
        preferred = max(MIN_PART_SIZE, min(PREFERRED_PART_SIZE, self.multipart_threshold))
        return max(preferred, math.ceil(size_bytes / MAX_PARTS))


@dataclass(frozen=True, slots=True)
class PlaybackPolicy:
    """How long signed stream, poster and segment URLs stay valid."""

    url_ttl_seconds: int = 3600


@dataclass(frozen=True, slots=True)
class ProcessingPolicy:
    """What processing makes of an upload, and what it keeps."""

    rendition_heights: tuple[int, ...] = (360, 720)
    max_duration_seconds: int = 600
    keep_originals: bool = False
