"""Video clips made at test time with PyAV: a moving pattern, tiny sizes, fast settings.

Every frame has a red block in its top-left corner as stored, so a test can tell where "up" ended
after rotation, and a square that moves across a gradient so that the encoder has work to do.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame
from PIL import Image, ImageDraw

RED = (220, 30, 30)


@dataclass(frozen=True, slots=True)
class ClipSpec:
    width: int = 160
    height: int = 90
    seconds: float = 1.0
    rate: int = 25
    container: str = "mp4"  # mp4, mov or webm
    audio: bool = True
    rotation: int = 0  # display rotation written as metadata (degrees counter-clockwise)
    dark_seconds: float = 0.0  # black frames at the start
    preset: str = "ultrafast"


# PyAV's stubs leave its conversions from and to Pillow images untyped: their types, stated once.
frame_of: Callable[[Image.Image], VideoFrame] = VideoFrame.from_image
image_of: Callable[[VideoFrame], Image.Image] = VideoFrame.to_image


def _picture(spec: ClipSpec, index: int) -> Image.Image:
    t = index / spec.rate
    if t < spec.dark_seconds:
        return Image.new("RGB", (spec.width, spec.height), (0, 0, 0))
    image = Image.linear_gradient("L").resize((spec.width, spec.height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    side = max(4, min(spec.width, spec.height) // 4)
    x = int((spec.width - side) * ((t * 0.8) % 1.0))
    draw.rectangle(
        (x, spec.height // 2 - side // 2, x + side, spec.height // 2 + side // 2),
        fill=(40, 200, 90),
    )
    corner = max(4, min(spec.width, spec.height) // 5)
    draw.rectangle((0, 0, corner, corner), fill=RED)
    return image


def make_clip(path: Path, spec: ClipSpec = ClipSpec()) -> Path:
    """Write a clip as `spec` says; returns `path`."""
    webm = spec.container == "webm"
    output = av.open(
        str(path), "w", format={"mp4": "mp4", "mov": "mov", "webm": "webm"}[spec.container]
    )
    try:
        if webm:
            video = output.add_stream(
                "libvpx-vp9", rate=spec.rate, options={"deadline": "realtime", "cpu-used": "8"}
            )
        else:
            video = output.add_stream("libx264", rate=spec.rate, options={"preset": spec.preset})
        video.width, video.height, video.pix_fmt = spec.width, spec.height, "yuv420p"
        if spec.rotation:
            video.set_display_rotation(spec.rotation)
        audio = None
        if spec.audio:
            audio = output.add_stream("libopus" if webm else "aac", rate=48000)
            audio.layout = "stereo"
        frames = round(spec.seconds * spec.rate)
        for index in range(frames):
            frame = frame_of(_picture(spec, index))
            frame.pts = index
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
        if audio is not None:
            _write_tone(output, audio, spec.seconds)
    finally:
        output.close()
    return path


def _write_tone(
    output: av.container.OutputContainer, audio: av.audio.stream.AudioStream, seconds: float
) -> None:
    """A quiet square-ish tone, in 1024-sample frames."""
    rate = 48000
    total = round(seconds * rate)
    chunk = 1024
    for start in range(0, total, chunk):
        count = min(chunk, total - start)
        samples = bytearray()
        for n in range(start, start + count):
            value = 3000 if (n // 55) % 2 else -3000
            sample = value.to_bytes(2, "little", signed=True)
            samples += sample + sample
        frame = AudioFrame(format="s16", layout="stereo", samples=count)
        frame.planes[0].update(bytes(samples))
        frame.sample_rate = rate
        frame.pts = start
        output.mux(audio.encode(frame))
    output.mux(audio.encode(None))


def make_damaged(path: Path, valid: Path) -> Path:
    """A file that starts like an MP4 (the valid `ftyp` box of `valid`) followed by garbage."""
    head = valid.read_bytes()
    ftyp_size = int.from_bytes(head[:4], "big")
    path.write_bytes(head[:ftyp_size] + os.urandom(4096))
    return path


_TINY: dict[float, bytes] = {}


def tiny_clip(seconds: float = 0.4) -> bytes:
    """The bytes of a very small real clip (64x36, no audio): for tests that need a video that
    processes in a blink. Made once per process and duration."""
    if seconds not in _TINY:
        with tempfile.TemporaryDirectory(prefix="clipstream-clip-") as folder:
            spec = ClipSpec(width=64, height=36, seconds=seconds, audio=False)
            _TINY[seconds] = make_clip(Path(folder) / "tiny.mp4", spec).read_bytes()
    return _TINY[seconds]


def padded_clip(size: int) -> bytes:
    """A real clip of exactly `size` bytes: a tiny one followed by a `free` box (which players
    skip), for multipart uploads that must be large but quick to process."""
    clip = tiny_clip()
    room = size - len(clip)
    if room < 8:
        raise ValueError(f"a padded clip needs at least {len(clip) + 8} bytes")
    return clip + room.to_bytes(4, "big") + b"free" + bytes(room - 8)
