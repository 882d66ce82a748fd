"""Media rules: what an uploaded video must be, and the sizes that processing makes of it."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SIDE = 4096  # larger than this on either side (as displayed) is refused
POSTER_MAX_SIDE = 1080  # the poster's long side at most


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What probing a file found. `width` and `height` are the display size (rotation applied)."""

    container: str
    video_codec: str
    audio_codec: str | None
    duration_seconds: float
    width: int
    height: int
    rotation: int = 0  # degrees counter-clockwise the stored frames are turned for display
    frame_rate: float | None = None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


@dataclass(frozen=True, slots=True)
class Rendition:
    """One HLS rendition of a processed video: its size as displayed and its average bit rate."""

    width: int
    height: int
    bitrate_kbps: int

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


@dataclass(frozen=True, slots=True)
class Size:
    """A frame size in pixels, as displayed."""

    width: int
    height: int

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)


def rejection_reason(info: MediaInfo, *, max_duration_seconds: float) -> str | None:
    """Why a probed video cannot be accepted (a sentence a person can read), or None."""
    if info.duration_seconds <= 0:
        return "The video has no playable frames."
    if info.duration_seconds > max_duration_seconds:
        return (
            f"The video is {info.duration_seconds:.1f} seconds long; "
            f"at most {max_duration_seconds:g} seconds are accepted."
        )
    if info.width > MAX_SIDE or info.height > MAX_SIDE:
        return (
            f"The video is {info.width}x{info.height} pixels; "
            f"at most {MAX_SIDE} pixels on a side are accepted."
        )
    if info.width < 2 or info.height < 2:
        return f"The video is {info.width}x{info.height} pixels: too small to play."
    return None


def _even(value: float) -> int:
    """The nearest even whole number, at least 2 (H.264 in 4:2:0 needs even dimensions)."""
    return max(2, round(value / 2) * 2)


def _even_down(value: int) -> int:
    return max(2, value - value % 2)


def _scaled(source: Size, short_side: int) -> Size:
    """`source` scaled so that its short side is `short_side`, aspect kept, dimensions even."""
    short = _even_down(short_side)
    long = _even(max(source.width, source.height) * short / source.short_side)
    return Size(long, short) if source.width >= source.height else Size(short, long)


def rendition_sizes(source: Size, heights: tuple[int, ...]) -> tuple[Size, ...]:
    """The renditions of a video of display size `source`, smallest first.

    Each configured height is a short side (`720` is 1280x720 landscape, 720x1280 portrait); only
    those not above the source's short side are made (never upscaled). A source smaller than every
    configured height gets one rendition at its own size. Dimensions are even, aspect kept.
    """
    wanted = sorted({h for h in heights if 2 <= h <= source.short_side})
    if not wanted:
        return (_scaled(source, source.short_side),)
    sizes = {_scaled(source, h) for h in wanted}
    return tuple(sorted(sizes, key=lambda size: size.short_side))


def poster_size(source: Size) -> Size:
    """The poster of a video of display size `source`: that size, at most 1080 px on its long side."""
    long = max(source.width, source.height)
    if long <= POSTER_MAX_SIDE:
        return source
    scale = POSTER_MAX_SIDE / long
    return Size(max(1, round(source.width * scale)), max(1, round(source.height * scale)))


AVATAR_SIZES = (64, 128, 512)  # square, in pixels; the largest is the default
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")
