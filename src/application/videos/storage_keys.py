"""Where a video's bytes are stored."""

from __future__ import annotations

import re
from uuid import UUID

_SOURCE_KEY_RE = re.compile(r"videos/([0-9a-f-]{36})/source")


def source_key(video_id: UUID) -> str:
    """The storage key of a video's uploaded file."""
    return f"videos/{video_id}/source"


def video_id_of(key: str) -> UUID | None:
    """The video a source key belongs to (None for any other key)."""
    match = _SOURCE_KEY_RE.fullmatch(key)
    return UUID(match.group(1)) if match else None
