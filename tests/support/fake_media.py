"""A `MediaProcessor` fake for fast tests: it "processes" any bytes into small, well-formed outputs
(a real JPEG poster, playlists that parse, segments of a few bytes) without decoding anything, and
can be told to refuse a file or to fail attempts."""

from __future__ import annotations

import asyncio
import contextlib
import io
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from application.ports.image_processor import AvatarImages, ImageProcessor
from application.ports.media_processor import (
    MediaProcessingFailed,
    MediaProcessor,
    MediaRejected,
    OutputFile,
    PosterImage,
    ProcessedMedia,
    ProcessingPlan,
    RenditionOutput,
)
from domain.media import MediaInfo, Size, poster_size, rejection_reason, rendition_sizes

PLAYLIST = "application/vnd.apple.mpegurl"


def jpeg(width: int, height: int, colour: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class FakeMediaProcessor(MediaProcessor):
    """Reports every file as `info` (unless `reject_with` is set) and writes outputs like the PyAV
    processor's, in the same layout; `fail_attempts` attempts fail first (crash-like)."""

    info: MediaInfo = field(
        default_factory=lambda: MediaInfo(
            container="mp4",
            video_codec="h264",
            audio_codec="aac",
            duration_seconds=6.0,
            width=1080,
            height=1920,
            rotation=90,
            frame_rate=30.0,
        )
    )
    reject_with: str | None = None
    fail_attempts: int = 0
    attempts: int = 0
    posters: list[float] = field(default_factory=list)
    sources: list[bytes] = field(default_factory=list)
    workspaces: list[Path] = field(default_factory=list)
    during_process: Callable[[], Awaitable[None]] | None = None  # e.g. delete the video meanwhile

    @classmethod
    def tiny(cls) -> FakeMediaProcessor:
        """Outputs as small as they come (one 64x36 rendition): for tests that publish a lot."""
        info = MediaInfo("mp4", "h264", None, 1.0, 64, 36, 0, 25.0)
        return cls(info=info)

    @contextlib.asynccontextmanager
    async def workspace(self) -> AsyncIterator[Path]:
        path = Path(tempfile.mkdtemp(prefix="fake-media-"))
        self.workspaces.append(path)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    async def probe(self, source: Path) -> MediaInfo:
        if self.reject_with is not None:
            raise MediaRejected(self.reject_with)
        return self.info

    async def process(self, source: Path, output_dir: Path, plan: ProcessingPlan) -> ProcessedMedia:
        self.attempts += 1
        self.sources.append(await asyncio.to_thread(source.read_bytes))
        if self.attempts <= self.fail_attempts:
            raise MediaProcessingFailed("The processing step crashed (SIGSEGV).")
        info = await self.probe(source)
        if self.during_process is not None:
            await self.during_process()
        reason = rejection_reason(info, max_duration_seconds=plan.max_duration_seconds)
        if reason is not None:
            raise MediaRejected(reason)
        return await asyncio.to_thread(self._write, output_dir, plan, info)

    async def poster_at(self, source: Path, output_dir: Path, at_seconds: float) -> PosterImage:
        self.posters.append(at_seconds)
        return await asyncio.to_thread(
            self._poster, output_dir, Size(self.info.width, self.info.height)
        )

    def _poster(self, output_dir: Path, display: Size) -> PosterImage:
        size = poster_size(display)
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / "poster.jpg").write_bytes(jpeg(size.width, size.height))
        return PosterImage(
            OutputFile("poster.jpg", "image/jpeg"),
            size.width,
            size.height,
            "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        )

    def _write(self, output: Path, plan: ProcessingPlan, info: MediaInfo) -> ProcessedMedia:
        """Outputs in the PyAV processor's layout; `stream.mp4` is a copy of the upload."""
        display = Size(info.width, info.height)
        poster = self._poster(output, display)
        hls = output / "hls"
        hls.mkdir(parents=True, exist_ok=True)
        files: list[OutputFile] = [poster.file]
        renditions = []
        for size in rendition_sizes(display, plan.rendition_heights):
            name = f"{size.short_side}p"
            (hls / f"{name}_init.mp4").write_bytes(b"\x00\x00\x00\x18ftypiso5" + name.encode())
            segments = []
            halves = (
                (4.0, info.duration_seconds - 4.0)
                if info.duration_seconds > 4
                else (info.duration_seconds,)
            )
            for index, seconds in enumerate(halves):
                segment = f"{name}_{index:04d}.m4s"
                (hls / segment).write_bytes(f"segment {index} of {name}".encode())
                segments.append((seconds, segment))
            lines = [
                "#EXTM3U",
                "#EXT-X-VERSION:7",
                "#EXT-X-TARGETDURATION:4",
                "#EXT-X-MEDIA-SEQUENCE:0",
                "#EXT-X-PLAYLIST-TYPE:VOD",
                f'#EXT-X-MAP:URI="{name}_init.mp4"',
            ]
            for seconds, segment in segments:
                lines += [f"#EXTINF:{seconds:.6f},", segment]
            lines.append("#EXT-X-ENDLIST")
            (hls / f"{name}.m3u8").write_text("\n".join(lines) + "\n")
            playlist = OutputFile(f"hls/{name}.m3u8", PLAYLIST)
            files += [
                playlist,
                OutputFile(f"hls/{name}_init.mp4", "video/mp4"),
                *(OutputFile(f"hls/{segment}", "video/iso.segment") for _, segment in segments),
            ]
            kbps = size.width * size.height // 500
            renditions.append(
                RenditionOutput(
                    size.width, size.height, kbps, kbps + 50, "avc1.64001f,mp4a.40.2", playlist
                )
            )
        master = ["#EXTM3U", "#EXT-X-VERSION:7"]
        for rendition in renditions:
            master += [
                f"#EXT-X-STREAM-INF:BANDWIDTH={rendition.peak_bitrate_kbps * 1000},"
                f'RESOLUTION={rendition.width}x{rendition.height},CODECS="{rendition.codecs}"',
                rendition.playlist.name.removeprefix("hls/"),
            ]
        (hls / "master.m3u8").write_text("\n".join(master) + "\n")
        # The "transcoded" stream is the upload itself: tests can compare what they sent.
        (output / "stream.mp4").write_bytes(self.sources[-1])
        files += [OutputFile("hls/master.m3u8", PLAYLIST), OutputFile("stream.mp4", "video/mp4")]
        return ProcessedMedia(
            info=info,
            poster=poster,
            renditions=tuple(renditions),
            master_playlist=OutputFile("hls/master.m3u8", PLAYLIST),
            progressive=OutputFile("stream.mp4", "video/mp4"),
            files=tuple(files),
        )


@dataclass
class FakeImageProcessor(ImageProcessor):
    """Makes avatars without decoding anything: a plain JPEG square of each size per call."""

    pictures: list[bytes] = field(default_factory=list)

    async def avatar(self, data: bytes, *, sizes: tuple[int, ...], max_pixels: int) -> AvatarImages:
        self.pictures.append(data)
        shade = len(self.pictures) * 40 % 256
        return AvatarImages(
            "image/jpeg", {size: jpeg(size, size, (shade, 90, 160)) for size in sizes}
        )
