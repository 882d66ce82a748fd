"""Where a video's bytes are stored: everything a video owns lives under its own prefix."""

from __future__ import annotations

import re
from uuid import UUID

_SOURCE_KEY_RE = re.compile(r"videos/([0-9a-f-]{36})/source")
_HLS_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
STREAM_NAME = "stream.mp4"
MASTER_PLAYLIST = "master.m3u8"


def video_prefix(video_id: UUID) -> str:
    """The folder of every object of a video: the upload, the poster, the HLS files, the MP4."""
    return f"videos/{video_id}/"


def source_key(video_id: UUID) -> str:
    """The storage key of a video's uploaded file."""
    return f"{video_prefix(video_id)}source"


def output_key(video_id: UUID, name: str) -> str:
    """The key of a file processing wrote (`stream.mp4`, `hls/720p.m3u8`...)."""
    return f"{video_prefix(video_id)}{name}"


def stream_key(video_id: UUID) -> str:
    """The progressive MP4 that `stream` serves."""
    return output_key(video_id, STREAM_NAME)


def hls_key(video_id: UUID, name: str) -> str | None:
    """The key of a file of the video's HLS folder, or None for a name that is not a plain file
    name (a playlist never points outside its folder)."""
    if not _HLS_NAME_RE.fullmatch(name) or ".." in name:
        return None
    return output_key(video_id, f"hls/{name}")


def poster_key(video_id: UUID, version: str) -> str:
    """The poster image of a given version (each new poster has a new version)."""
    return output_key(video_id, f"poster-{version}.jpg")


def video_id_of(key: str) -> UUID | None:
    """The video a source key belongs to (None for any other key)."""
    match = _SOURCE_KEY_RE.fullmatch(key)
    return UUID(match.group(1)) if match else None
