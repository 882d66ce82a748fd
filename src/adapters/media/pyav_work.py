"""The media work done in child processes with PyAV: probe, process (poster, renditions, HLS, MP4)
and poster at a time. Each function takes and returns plain, picklable data."""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import av.error
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from adapters.media.encoder_settings import X264Settings
from adapters.media.packaging import package_hls, write_master
from adapters.media.posters import PosterPicker, poster_file, write_poster
from adapters.media.probing import (
    audio_stream_of,
    open_input,
    probe_container,
    probe_file,
    video_stream_of,
)
from adapters.media.transcoding import RenditionWriter, frame_interval
from application.ports.media_processor import (
    MediaRejected,
    OutputFile,
    PosterImage,
    ProcessedMedia,
    ProcessingPlan,
)
from domain.media import MediaInfo, Size, rejection_reason, rendition_sizes

STREAM_NAME = "stream.mp4"
_MAX_BAD_PACKETS = 100
_DURATION_SLACK_SECONDS = 1.0

__all__ = ["poster_file", "probe_file", "process_file"]


def process_file(
    source: Path, output_dir: Path, plan: ProcessingPlan, x264: X264Settings
) -> ProcessedMedia:
    """Probe `source`, refuse it if the plan's limits say so, else write into `output_dir`:
    `poster.jpg`, `stream.mp4` (faststart, the largest rendition) and `hls/` (a master playlist,
    and per rendition a VOD playlist, an init segment and fMP4 segments)."""
    with open_input(source) as container:
        info, stored = probe_container(source, container)
    reason = rejection_reason(info, max_duration_seconds=plan.max_duration_seconds)
    if reason is not None:
        raise MediaRejected(reason)

    display = Size(info.width, info.height)
    sizes = rendition_sizes(display, plan.rendition_heights)
    work_dir = output_dir / "renditions"
    work_dir.mkdir(parents=True, exist_ok=True)
    picker = PosterPicker(info.duration_seconds)
    with open_input(source) as container:
        video_in = video_stream_of(container)
        audio_in = audio_stream_of(container)
        writers = [
            RenditionWriter(
                work_dir / f"{size.short_side}p.mp4",
                size,
                stored,
                video_in,
                audio_in,
                info.frame_rate or 30.0,
                x264,
            )
            for size in sizes
        ]
        try:
            _decode(container, video_in, audio_in, writers, picker, info, plan)
            for writer in writers:
                writer.close()
        except BaseException:
            for writer in writers:
                writer.abandon()
            raise

    if picker.frame is None:
        raise MediaRejected("The video has no frame that can be decoded.")
    poster = write_poster(picker.frame, display, stored.rotation, output_dir)

    hls_dir = output_dir / "hls"
    renditions = []
    files: list[OutputFile] = [poster.file]
    for writer in writers:
        rendition, rendition_files = package_hls(
            writer.path, hls_dir, writer.size.width, writer.size.height
        )
        renditions.append(rendition)
        files += rendition_files
    master = write_master(hls_dir, renditions, info.frame_rate)
    shutil.move(writers[-1].path, output_dir / STREAM_NAME)
    shutil.rmtree(work_dir, ignore_errors=True)
    progressive = OutputFile(STREAM_NAME, "video/mp4")
    files += [master, progressive]
    return ProcessedMedia(
        info=info,
        poster=poster,
        renditions=tuple(renditions),
        master_playlist=master,
        progressive=progressive,
        files=tuple(files),
    )


@dataclass
class _Timeline:
    """Shifts every stream so that the first video frame is at 0, and drops what cannot be encoded
    (frames before the start, repeated or backwards timestamps, frames above 60 fps)."""

    interval: float
    origin: float | None = None
    last_video_pts: int | None = None
    last_kept: float = -math.inf

    def video_pts(self, frame: VideoFrame, stream: VideoStream) -> int | None:
        if frame.pts is None or stream.time_base is None:
            return None
        if self.origin is None:
            self.origin = float(frame.pts * stream.time_base)
        shifted = frame.pts - round(self.origin / stream.time_base)
        seconds = float(shifted * stream.time_base)
        if (self.last_video_pts is not None and shifted <= self.last_video_pts) or (
            self.interval and seconds < self.last_kept + self.interval
        ):
            return None
        self.last_video_pts = shifted
        self.last_kept = seconds
        return shifted

    def audio_pts(self, frame: AudioFrame, stream: AudioStream) -> int | None:
        if self.origin is None or frame.pts is None or stream.time_base is None:
            return None  # audio before the first video frame is not played
        shifted = frame.pts - round(self.origin / stream.time_base)
        return shifted if shifted >= 0 else None


def _decode(
    container: InputContainer,
    video_in: VideoStream,
    audio_in: AudioStream | None,
    writers: list[RenditionWriter],
    picker: PosterPicker,
    info: MediaInfo,
    plan: ProcessingPlan,
) -> None:
    """Decode the file once, feeding every rendition writer and the poster picker."""
    video_in.thread_type = "AUTO"
    timeline = _Timeline(interval=frame_interval(info.frame_rate))
    limit = plan.max_duration_seconds + _DURATION_SLACK_SECONDS
    bad_packets = 0
    streams = [video_in] if audio_in is None else [video_in, audio_in]
    for packet in container.demux(streams):
        try:
            frames = packet.decode()
        except av.error.FFmpegError as error:
            bad_packets += 1
            if bad_packets > _MAX_BAD_PACKETS:
                raise MediaRejected(
                    "The video could not be decoded (it may be damaged)."
                ) from error
            continue
        for frame in frames:
            if isinstance(frame, VideoFrame):
                pts = timeline.video_pts(frame, video_in)
                if pts is None:
                    continue
                seconds = timeline.last_kept
                if seconds > limit:
                    raise MediaRejected(
                        f"The video is longer than the {plan.max_duration_seconds:g} seconds accepted."
                    )
                picker.offer(frame, seconds)
                for writer in writers:
                    writer.video_frame(frame, pts)
            elif isinstance(frame, AudioFrame) and audio_in is not None:
                audio_pts = timeline.audio_pts(frame, audio_in)
                if audio_pts is None:
                    continue
                frame.pts = audio_pts
                for writer in writers:
                    writer.audio_frame(frame)
    if timeline.origin is None:
        raise MediaRejected("The video has no frame that can be decoded.")


def poster_at_file(source: Path, output_dir: Path, at_seconds: float) -> PosterImage:
    """The poster of the frame at `at_seconds` (see `posters.poster_file`)."""
    return poster_file(source, output_dir, at_seconds)


def probe(source: Path) -> MediaInfo:
    return probe_file(source)
