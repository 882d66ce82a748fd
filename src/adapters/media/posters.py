"""Posters: choosing a representative frame, writing it as a JPEG and its BlurHash (in a child)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av.error
import blurhash
from av.video.frame import VideoFrame
from PIL import Image, ImageStat

from adapters.media.probing import (
    open_input,
    probe_container,
    stored_size,
    video_stream_of,
)
from application.ports.media_processor import MediaRejected, OutputFile, PosterImage
from domain.media import Size, poster_size

POSTER_NAME = "poster.jpg"
JPEG_QUALITY = 85
# Where to look for a poster, as fractions of the duration: the first good one wins.
CANDIDATE_POSITIONS = (0.1, 0.3, 0.5, 0.7, 0.9)
# A frame darker than this on average (0..255), or with less contrast, is "black or blank".
MIN_MEAN_LUMA = 32.0
MIN_LUMA_DEVIATION = 10.0
_SCORE_SIDE = 64
_BLURHASH_SIDE = 32
_ROTATE = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180}
_ROTATE[270] = Image.Transpose.ROTATE_270


def upright_image(frame: VideoFrame, display: Size, rotation: int) -> Image.Image:
    """The frame as an RGB image of size `display` (rotation applied, square pixels)."""
    stored = (
        (display.height, display.width)
        if rotation in (90, 270)
        else (display.width, display.height)
    )
    image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
    if image.size != stored:
        image = image.resize(stored, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if rotation in _ROTATE:
        image = image.transpose(_ROTATE[rotation])
    return image


@dataclass(frozen=True, slots=True)
class FrameScore:
    """How much a frame shows: average brightness and contrast of its luma (0..255)."""

    mean: float
    deviation: float

    @property
    def shows_something(self) -> bool:
        """Neither (nearly) black nor a blank single colour."""
        return self.mean >= MIN_MEAN_LUMA and self.deviation >= MIN_LUMA_DEVIATION


def score(frame: VideoFrame) -> FrameScore:
    """The frame's luma statistics, measured cheaply on a small grey thumbnail."""
    small = frame.reformat(width=_SCORE_SIDE, height=_SCORE_SIDE, format="gray")
    grey: Image.Image = small.to_image()  # type: ignore[no-untyped-call]
    stat = ImageStat.Stat(grey)
    return FrameScore(mean=stat.mean[0], deviation=stat.stddev[0])


class PosterPicker:
    """Offered every decoded frame in order, keeps the first good candidate (else the liveliest).

    Candidates are the frames at a few fixed fractions of the duration; the first that is neither
    black nor blank wins. If none is, the candidate with the most contrast does.
    """

    def __init__(self, duration_seconds: float) -> None:
        self._times = [duration_seconds * position for position in CANDIDATE_POSITIONS]
        self._best: tuple[float, VideoFrame] | None = None
        self._done = False

    def offer(self, frame: VideoFrame, seconds: float) -> None:
        """Consider a frame shown `seconds` after the start."""
        if self._best is None:  # a clip too short for any candidate keeps its first frame
            self._best = (-1.0, frame)
        if self._done or not self._times or seconds < self._times[0]:
            return
        while self._times and seconds >= self._times[0]:
            self._times.pop(0)
        measured = score(frame)
        if measured.shows_something:
            self._best = (float("inf"), frame)
            self._done = True
        elif measured.deviation > self._best[0]:
            self._best = (measured.deviation, frame)

    @property
    def frame(self) -> VideoFrame | None:
        return self._best[1] if self._best else None


def blurhash_of(image: Image.Image) -> str:
    """The BlurHash of an image (4 components on its long side, 3 on its short)."""
    thumbnail = image.copy()
    thumbnail.thumbnail((_BLURHASH_SIDE, _BLURHASH_SIDE), Image.Resampling.BILINEAR)
    width, height = thumbnail.size
    pixels = list(thumbnail.convert("RGB").getdata())
    rows = [pixels[row * width : (row + 1) * width] for row in range(height)]
    x_components, y_components = (4, 3) if width >= height else (3, 4)
    return str(blurhash.encode(rows, x_components, y_components))


def write_poster(
    frame: VideoFrame, display: Size, rotation: int, output_dir: Path, name: str = POSTER_NAME
) -> PosterImage:
    """Write the frame as the poster JPEG (display size, at most 1080 px on its long side)."""
    size = poster_size(display)
    image = upright_image(frame, size, rotation)
    path = output_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return PosterImage(
        file=OutputFile(name, "image/jpeg"),
        width=image.width,
        height=image.height,
        blurhash=blurhash_of(image),
    )


def poster_file(source: Path, output_dir: Path, at_seconds: float) -> PosterImage:
    """The poster of the frame shown at `at_seconds` (the last frame when it is past the end)."""
    with open_input(source) as container:
        info, _ = probe_container(source, container)
        stream = video_stream_of(container)
        time_base = stream.time_base
        if time_base is None:
            raise MediaRejected("The video track has no time base.")
        start = float((stream.start_time or 0) * time_base)
        target = start + max(0.0, at_seconds)
        container.seek(int(target / time_base), stream=stream)  # the keyframe at or before it
        chosen: VideoFrame | None = None
        try:
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is not None and frame.time >= target - 1e-3:
                    break
        except av.error.FFmpegError as error:
            if chosen is None:
                raise MediaRejected("The video track could not be decoded.") from error
        if chosen is None:
            raise MediaRejected("The video has no frame at that time.")
        size = stored_size(stream, chosen)
        return write_poster(chosen, Size(info.width, info.height), size.rotation, output_dir)
