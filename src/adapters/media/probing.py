"""Opening an uploaded file safely with PyAV, and probing what it is (runs in a child process).

Uploads are hostile until proven otherwise. The demuxer is chosen from the file's first bytes
(MP4/QuickTime or Matroska/WebM, nothing else), and only the `file` protocol is allowed, so a
file cannot make FFmpeg open playlists, other files or network addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from application.ports.media_processor import MediaRejected
from domain.media import MediaInfo

_MP4_ATOMS = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")
_EBML = b"\x1a\x45\xdf\xa3"
_FIRST_FRAME_PACKETS = 500  # a video whose first this-many packets decode to nothing is refused
_INPUT_OPTIONS = {"protocol_whitelist": "file"}


def demuxer_for(source: Path) -> str:
    """FFmpeg's demuxer for the file's container; `MediaRejected` unless MP4/QuickTime or WebM."""
    with source.open("rb") as file:
        head = file.read(12)
    if head[4:8] in _MP4_ATOMS:
        return "mov"
    if head[:4] == _EBML:
        return "matroska"
    raise MediaRejected("The file is not an MP4, QuickTime or WebM video.")


def container_name(source: Path, container: InputContainer) -> str:
    """`mp4`, `mov` (QuickTime), `webm` or `matroska`."""
    if container.format.name.startswith("mov"):
        brand = container.metadata.get("major_brand", "").strip()
        return "mov" if brand == "qt" else "mp4"
    with source.open("rb") as file:
        head = file.read(64)
    return "webm" if b"webm" in head else "matroska"


def open_input(source: Path) -> InputContainer:
    """The file opened for reading; `MediaRejected` when FFmpeg cannot read it as a video file."""
    demuxer = demuxer_for(source)
    try:
        return av.open(str(source), "r", format=demuxer, options=_INPUT_OPTIONS)
    except av.error.FFmpegError as error:
        raise MediaRejected(
            "The file could not be read as a video (it may be damaged or incomplete)."
        ) from error


def video_stream_of(container: InputContainer) -> VideoStream:
    """The main video stream (not cover art); `MediaRejected` when there is none."""
    for stream in container.streams.video:
        if stream.disposition & av.stream.Disposition.attached_pic:
            continue
        if stream.codec_context is None:
            raise MediaRejected(f"The video is in a format that cannot be decoded ({stream.name}).")
        return stream
    raise MediaRejected("The file has no video track.")


def audio_stream_of(container: InputContainer) -> AudioStream | None:
    """The first audio stream that can be decoded, if any."""
    for stream in container.streams.audio:
        if stream.codec_context is not None and stream.codec_context.channels > 0:
            return stream
    return None


def first_frame(container: InputContainer, stream: VideoStream) -> VideoFrame:
    """The first decodable frame; `MediaRejected` when the start of the video decodes to nothing."""
    packets = 0
    try:
        for packet in container.demux(stream):
            packets += 1
            for frame in packet.decode():
                return frame
            if packets >= _FIRST_FRAME_PACKETS:
                break
    except av.error.FFmpegError as error:
        raise MediaRejected("The video track could not be decoded.") from error
    raise MediaRejected("The video track has no frame that can be decoded.")


def normalised_rotation(degrees: float) -> int:
    """A display rotation rounded to a quarter turn: 0, 90, 180 or 270 (counter-clockwise)."""
    return (round(degrees / 90) * 90) % 360


@dataclass(frozen=True, slots=True)
class StoredSize:
    """How frames are stored: coded size, pixel aspect and the turn that displays them upright."""

    width: int
    height: int
    sample_aspect: Fraction
    rotation: int

    @property
    def display(self) -> tuple[int, int]:
        """Width and height as displayed: square pixels, rotation applied."""
        width = max(1, round(self.width * self.sample_aspect))
        if self.rotation in (90, 270):
            return self.height, width
        return width, self.height


def stored_size(stream: VideoStream, frame: VideoFrame) -> StoredSize:
    sar = stream.sample_aspect_ratio or Fraction(1)
    if sar <= 0 or not Fraction(1, 4) <= sar <= 4:
        sar = Fraction(1)
    return StoredSize(frame.width, frame.height, sar, normalised_rotation(frame.rotation))


def duration_of(container: InputContainer, stream: VideoStream) -> float:
    """Seconds, from the container, else from the video stream; 0 when neither knows."""
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return 0.0


def frame_rate_of(stream: VideoStream) -> float | None:
    rate = stream.average_rate or stream.guessed_rate
    return round(float(rate), 3) if rate else None


def probe_container(source: Path, container: InputContainer) -> tuple[MediaInfo, StoredSize]:
    """What an opened file is, and how its frames are stored. Decodes its first frame."""
    video = video_stream_of(container)
    audio = audio_stream_of(container)
    size = stored_size(video, first_frame(container, video))
    width, height = size.display
    info = MediaInfo(
        container=container_name(source, container),
        video_codec=video.codec_context.name,
        audio_codec=audio.codec_context.name if audio is not None else None,
        duration_seconds=round(duration_of(container, video), 3),
        width=width,
        height=height,
        rotation=size.rotation,
        frame_rate=frame_rate_of(video),
    )
    return info, size


def probe_file(source: Path) -> MediaInfo:
    """What the file is: container, codecs, duration, display size, rotation, frame rate."""
    with open_input(source) as container:
        return probe_container(source, container)[0]
