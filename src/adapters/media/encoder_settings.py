"""The encoder's settings (importable without PyAV: the server process never loads FFmpeg)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class X264Settings:
    """The x264 trade between speed and size: `preset` (ultrafast..veryslow) and `crf` (0..51)."""

    preset: str = "veryfast"
    crf: int = 23
    threads: int = 0  # 0: x264 picks (one per core, and more)
