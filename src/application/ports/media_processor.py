"""Port: turning an uploaded video into what clients play (probe, poster, renditions, HLS, MP4)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from domain.errors import DomainError
from domain.media import MediaInfo


class MediaRejected(DomainError):
    """The file is not a video that can be accepted (the message says why, for a person to read).

    Final: processing the same file again would refuse it again.
    """


class MediaProcessingFailed(DomainError):
    """An attempt failed: it crashed, hung past its time limit, ran out of memory, or met a fault.

    Not the file's verdict: another attempt may succeed.
    """


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file the processor wrote: its path relative to the output directory ('/'-separated)."""

    name: str
    content_type: str


@dataclass(frozen=True, slots=True)
class PosterImage:
    """A still of the video at display size (at most 1080 px on its long side) and its BlurHash."""

    file: OutputFile
    width: int
    height: int
    blurhash: str


@dataclass(frozen=True, slots=True)
class RenditionOutput:
    """One HLS rendition: its display size, bit rates and media playlist."""

    width: int
    height: int
    bitrate_kbps: int  # average over the whole rendition (audio included)
    peak_bitrate_kbps: int  # of its most demanding segment: the master playlist's BANDWIDTH
    codecs: str  # RFC 6381 codecs, e.g. "avc1.64001f,mp4a.40.2"
    playlist: OutputFile

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


@dataclass(frozen=True, slots=True)
class ProcessingPlan:
    """What to make of a video: rendition short sides, and the longest duration accepted."""

    rendition_heights: tuple[int, ...]
    max_duration_seconds: float


@dataclass(frozen=True, slots=True)
class ProcessedMedia:
    """Everything processing wrote, all under one output directory."""

    info: MediaInfo
    poster: PosterImage
    renditions: tuple[RenditionOutput, ...]  # smallest first
    master_playlist: OutputFile
    progressive: OutputFile  # the faststart MP4 of the largest rendition
    files: tuple[OutputFile, ...]  # every file to store (poster, playlists, segments, MP4)


class MediaProcessor(Protocol):
    """Probes and transcodes videos; every call runs in a child process with time and memory limits."""

    def workspace(self) -> AbstractAsyncContextManager[Path]:
        """A new scratch directory, removed with everything in it when the context exits."""
        ...

    async def probe(self, source: Path) -> MediaInfo:
        """What the file is; raises `MediaRejected` when it is not a decodable video."""
        ...

    async def process(self, source: Path, output_dir: Path, plan: ProcessingPlan) -> ProcessedMedia:
        """Probe, check the plan's limits, then write the poster, renditions, HLS and MP4.

        Raises `MediaRejected` (the file is refused) or `MediaProcessingFailed` (retry may help).
        """
        ...

    async def poster_at(self, source: Path, output_dir: Path, at_seconds: float) -> PosterImage:
        """A poster of the frame shown at `at_seconds` (the last frame when past the end)."""
        ...
