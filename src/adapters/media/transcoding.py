"""Encoding the renditions: one decode of the upload, one H.264/AAC MP4 per size (in a child).

Every rendition is encoded from the same decoded frames with the same keyframe cadence (a
keyframe every 2 seconds, no scene-cut keyframes), so segments of different renditions start at
the same instants and a player can switch between them. x264 runs in CRF mode (constant quality)
capped by a VBV maximum rate that grows with the picture size, so that no segment of a rendition
needs much more bandwidth than its playlist announces. Audio is encoded to AAC-LC.
"""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.filter import Graph
from av.filter.context import FilterContext
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from adapters.media.encoder_settings import X264Settings
from adapters.media.probing import StoredSize
from domain.media import Size

KEYFRAME_SECONDS = 2.0
MAX_FRAME_RATE = 60.0
# x264's VBV cap: bits per pixel per frame at 30 fps (0.1 gives ~2.8 Mb/s at 720p, ~6.2 at 1080p).
MAX_BITS_PER_PIXEL = 0.1
AUDIO_RATES = (44100, 48000)
_MAX_BAD_PACKETS = 100


def max_rate_kbps(size: Size, frame_rate: float) -> int:
    """The VBV maximum rate of a rendition: ~0.1 bit per pixel per frame at 30 fps."""
    rate_factor = math.sqrt(min(max(frame_rate, 24.0), MAX_FRAME_RATE) / 30.0)
    return max(200, round(size.width * size.height * 30 * MAX_BITS_PER_PIXEL * rate_factor / 1000))


def _transposes(rotation: int) -> list[tuple[str, str]]:
    """Filters that turn stored frames upright (rotation: degrees counter-clockwise)."""
    if rotation == 90:
        return [("transpose", "cclock")]
    if rotation == 270:
        return [("transpose", "clock")]
    if rotation == 180:
        return [("hflip", ""), ("vflip", "")]
    return []


class _Scaler:
    """A filter graph turning decoded frames into upright yuv420p frames of one rendition's size."""

    def __init__(
        self, frame: VideoFrame, size: Size, stored: StoredSize, time_base: Fraction
    ) -> None:
        self.key = (frame.width, frame.height, frame.format.name)
        turned = stored.rotation in (90, 270)
        width, height = (size.height, size.width) if turned else (size.width, size.height)
        self._graph = Graph()
        chain: list[FilterContext] = [
            self._graph.add_buffer(
                width=frame.width, height=frame.height, format=frame.format, time_base=time_base
            ),
            self._graph.add("scale", f"{width}:{height}:flags=bicubic"),
        ]
        chain += [
            self._graph.add(name, args or None) for name, args in _transposes(stored.rotation)
        ]
        chain += [
            self._graph.add("setsar", "1"),
            self._graph.add("format", "yuv420p"),
        ]
        self._sink = self._graph.add("buffersink")
        chain.append(self._sink)
        self._graph.link_nodes(*chain).configure()

    def convert(self, frame: VideoFrame) -> list[VideoFrame]:
        self._graph.vpush(frame)
        out: list[VideoFrame] = []
        while True:
            try:
                pulled = self._sink.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                return out
            assert isinstance(pulled, VideoFrame)
            out.append(pulled)


class RenditionWriter:
    """Encodes one rendition into an MP4 with `faststart` (the index before the media data)."""

    def __init__(
        self,
        path: Path,
        size: Size,
        stored: StoredSize,
        video_in: VideoStream,
        audio_in: AudioStream | None,
        frame_rate: float,
        x264: X264Settings,
    ) -> None:
        self.path = path
        self.size = size
        self._stored = stored
        time_base = video_in.time_base or Fraction(1, 90000)
        self._time_base = time_base
        self._scaler: _Scaler | None = None
        self._container: OutputContainer = av.open(
            str(path), "w", format="mp4", options={"movflags": "+faststart"}
        )
        keyint = max(1, round(frame_rate * KEYFRAME_SECONDS))
        max_rate = max_rate_kbps(size, frame_rate)
        self._video = self._container.add_stream(
            "libx264",
            options={
                "preset": x264.preset,
                "crf": str(x264.crf),
                "threads": str(x264.threads),
                "x264-params": (
                    f"keyint={keyint}:min-keyint={keyint}:scenecut=0"
                    f":vbv-maxrate={max_rate}:vbv-bufsize={max_rate * 2}"
                ),
            },
        )
        self._video.width = size.width
        self._video.height = size.height
        self._video.pix_fmt = "yuv420p"
        self._video.time_base = time_base
        self._video.codec_context.time_base = time_base
        self._audio: AudioStream | None = None
        if audio_in is not None:
            rate = audio_in.codec_context.sample_rate
            rate = rate if rate in AUDIO_RATES else 48000
            stereo = audio_in.codec_context.channels >= 2
            self._audio = self._container.add_stream("aac", rate=rate)
            self._audio.layout = "stereo" if stereo else "mono"
            self._audio.bit_rate = 128_000 if stereo else 64_000

    def video_frame(self, frame: VideoFrame, pts: int) -> None:
        key = (frame.width, frame.height, frame.format.name)
        if self._scaler is None or self._scaler.key != key:
            self._scaler = _Scaler(frame, self.size, self._stored, self._time_base)
        for scaled in self._scaler.convert(frame):
            scaled.pts = pts
            scaled.time_base = self._time_base
            scaled.pict_type = av.video.frame.PictureType.NONE
            self._container.mux(self._video.encode(scaled))

    def audio_frame(self, frame: AudioFrame) -> None:
        if self._audio is not None:
            self._container.mux(self._audio.encode(frame))

    def close(self) -> None:
        self._container.mux(self._video.encode(None))
        if self._audio is not None:
            self._container.mux(self._audio.encode(None))
        self._container.close()

    def abandon(self) -> None:
        with contextlib.suppress(av.error.FFmpegError, OSError):
            self._container.close()


def frame_interval(frame_rate: float | None) -> float:
    """The shortest gap kept between frames (sources above 60 fps are thinned to 60)."""
    if frame_rate is None or frame_rate <= MAX_FRAME_RATE:
        return 0.0
    return 1.0 / MAX_FRAME_RATE - 1e-6
