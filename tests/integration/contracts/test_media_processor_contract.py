"""The `MediaProcessor` contract, on the PyAV adapter, with clips generated at test time.

Every call runs in a child process: the tests also prove that a child that hangs, crashes or
runs out of memory is stopped and reported, and that the parent carries on.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import av
import m3u8
import pytest
from PIL import Image, ImageStat

from adapters.media.isolation import ChildFailed, ChildLimits, FailureKind, run_in_child
from adapters.media.pyav_processor import MediaLimits, MediaWork, PyAvMediaProcessor
from application.ports.media_processor import (
    MediaProcessingFailed,
    MediaRejected,
    ProcessedMedia,
    ProcessingPlan,
)
from tests.support.clips import RED, ClipSpec, image_of, make_clip, make_damaged

PLAN = ProcessingPlan(rendition_heights=(360, 720), max_duration_seconds=600)
LIMITS = MediaLimits(timeout_seconds=60, memory_bytes=2048 * 1024 * 1024)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of clip the tests need, made once."""
    folder = tmp_path_factory.mktemp("clips")
    specs = {
        "landscape": ClipSpec(width=160, height=90, seconds=1.0),
        "portrait": ClipSpec(width=90, height=160, seconds=1.0, audio=False),
        "rotated": ClipSpec(width=160, height=90, seconds=1.0, rotation=90),
        "rotated_180": ClipSpec(width=160, height=90, seconds=0.4, rotation=180, audio=False),
        "rotated_270": ClipSpec(width=160, height=90, seconds=0.4, rotation=270, audio=False),
        "webm": ClipSpec(width=160, height=90, seconds=1.0, container="webm"),
        "odd_webm": ClipSpec(width=161, height=91, seconds=0.6, container="webm", audio=False),
        "mov": ClipSpec(width=160, height=90, seconds=1.0, container="mov"),
        "large": ClipSpec(width=640, height=360, seconds=1.0),
        "dark_start": ClipSpec(width=160, height=90, seconds=2.0, dark_seconds=0.9),
        "long": ClipSpec(width=64, height=36, seconds=2.0, audio=False),
    }
    made = {
        name: make_clip(folder / f"{name}.{spec.container}", spec) for name, spec in specs.items()
    }
    made["damaged"] = make_damaged(folder / "damaged.mp4", made["landscape"])
    made["text"] = folder / "text.mp4"
    made["text"].write_bytes(b"\x00\x00\x00\x18ftypisom" + b"hello, this is not a video" * 10)
    return made


@pytest.fixture(scope="module")
def processor() -> PyAvMediaProcessor:
    return PyAvMediaProcessor(LIMITS)


@pytest.fixture
async def workspace(processor: PyAvMediaProcessor) -> AsyncIterator[Path]:
    async with processor.workspace() as path:
        yield path


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def _luma(image: Image.Image) -> tuple[float, float]:
    stat = ImageStat.Stat(image.convert("L"))
    return stat.mean[0], stat.stddev[0]


def _decoded_frames(data: bytes, tmp: Path) -> list[av.video.frame.VideoFrame]:
    path = tmp / "joined.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def _playlist_frames(
    hls_dir: Path, playlist_name: str, tmp: Path
) -> tuple[m3u8.M3U8, list[av.video.frame.VideoFrame]]:
    """The media playlist, parsed, and every frame of its init segment + segments decoded."""
    playlist = m3u8.load(str(hls_dir / playlist_name))
    data = (hls_dir / playlist.segment_map[0].uri).read_bytes()
    data += b"".join((hls_dir / segment.uri).read_bytes() for segment in playlist.segments)
    return playlist, _decoded_frames(data, tmp)


# Probe ------------------------------------------------------------------------------------------


async def test_probe_reports_container_codecs_duration_size_and_frame_rate(
    processor: PyAvMediaProcessor, clips: dict[str, Path]
) -> None:
    info = await processor.probe(clips["landscape"])
    assert (info.container, info.video_codec, info.audio_codec) == ("mp4", "h264", "aac")
    assert info.duration_seconds == pytest.approx(1.0, abs=0.1)
    assert (info.width, info.height, info.rotation) == (160, 90, 0)
    assert info.frame_rate == pytest.approx(25)
    assert info.has_audio


async def test_probe_of_a_portrait_clip_without_audio(
    processor: PyAvMediaProcessor, clips: dict[str, Path]
) -> None:
    info = await processor.probe(clips["portrait"])
    assert (info.width, info.height) == (90, 160)
    assert info.audio_codec is None
    assert not info.has_audio


async def test_probe_applies_rotation_metadata_to_the_display_size(
    processor: PyAvMediaProcessor, clips: dict[str, Path]
) -> None:
    info = await processor.probe(clips["rotated"])
    assert (info.width, info.height, info.rotation) == (90, 160, 90)


async def test_probe_reads_webm_with_vp9_and_opus(
    processor: PyAvMediaProcessor, clips: dict[str, Path]
) -> None:
    info = await processor.probe(clips["webm"])
    assert (info.container, info.video_codec, info.audio_codec) == ("webm", "vp9", "opus")
    assert (info.width, info.height) == (160, 90)


async def test_probe_reads_quicktime(processor: PyAvMediaProcessor, clips: dict[str, Path]) -> None:
    info = await processor.probe(clips["mov"])
    assert (info.container, info.video_codec) == ("mov", "h264")


@pytest.mark.parametrize("name", ["damaged", "text"])
async def test_a_file_that_only_starts_like_an_mp4_is_rejected_readably(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path, name: str
) -> None:
    with pytest.raises(MediaRejected) as probed:
        await processor.probe(clips[name])
    assert "could not be read as a video" in str(probed.value)
    with pytest.raises(MediaRejected):
        await processor.process(clips[name], workspace, PLAN)


async def test_a_file_of_another_kind_is_rejected_before_ffmpeg_guesses_its_format(
    processor: PyAvMediaProcessor, tmp_path: Path
) -> None:
    playlist = tmp_path / "sneaky.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n")
    with pytest.raises(MediaRejected, match="not an MP4, QuickTime or WebM"):
        await processor.probe(playlist)


async def test_a_video_longer_than_the_maximum_is_rejected(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path
) -> None:
    plan = ProcessingPlan(rendition_heights=(360,), max_duration_seconds=1)
    with pytest.raises(MediaRejected, match=r"2\.0 seconds long; at most 1 seconds"):
        await processor.process(clips["long"], workspace, plan)
    assert _files(workspace) == set()


# Processing -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def landscape(
    processor: PyAvMediaProcessor, clips: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[ProcessedMedia, Path]:
    """The landscape clip processed once for the tests that only look at the outputs."""
    out = tmp_path_factory.mktemp("landscape-out")
    return asyncio.run(processor.process(clips["landscape"], out, PLAN)), out


async def test_processing_lists_every_file_it_wrote(landscape: tuple[ProcessedMedia, Path]) -> None:
    media, out = landscape
    assert _files(out) == {file.name for file in media.files}
    types = {file.name: file.content_type for file in media.files}
    assert types["poster.jpg"] == "image/jpeg"
    assert types["stream.mp4"] == "video/mp4"
    assert types["hls/master.m3u8"] == "application/vnd.apple.mpegurl"
    assert types["hls/90p_init.mp4"] == "video/mp4"
    assert types["hls/90p_0000.m4s"] == "video/iso.segment"


async def test_the_poster_is_a_jpeg_of_the_display_size_that_is_not_dark(
    landscape: tuple[ProcessedMedia, Path],
) -> None:
    media, out = landscape
    with Image.open(out / media.poster.file.name) as image:
        assert image.format == "JPEG"
        assert image.size == (160, 90) == (media.poster.width, media.poster.height)
        mean, deviation = _luma(image)
    assert mean > 40
    assert deviation > 10


async def test_the_blurhash_decodes_to_the_poster_colours(
    landscape: tuple[ProcessedMedia, Path],
) -> None:
    import blurhash

    media, out = landscape
    assert 20 <= len(media.poster.blurhash) <= 40
    pixels = blurhash.decode(media.poster.blurhash, 16, 9)
    average = sum(sum(pixel) for row in pixels for pixel in row) / (16 * 9 * 3)
    with Image.open(out / media.poster.file.name) as image:
        poster_mean = ImageStat.Stat(image).mean
    assert abs(average - sum(poster_mean) / 3) < 40


async def test_a_source_smaller_than_every_height_gets_one_rendition_at_its_own_size(
    landscape: tuple[ProcessedMedia, Path], tmp_path: Path
) -> None:
    media, out = landscape
    assert [(r.width, r.height) for r in media.renditions] == [(160, 90)]
    _playlist, frames = _playlist_frames(out / "hls", "90p.m3u8", tmp_path)
    assert {(f.width, f.height) for f in frames} == {(160, 90)}
    assert len(frames) == 25


async def test_playlists_are_vod_and_their_durations_sum_to_the_clip(
    landscape: tuple[ProcessedMedia, Path],
) -> None:
    media, out = landscape
    playlist = m3u8.load(str(out / "hls" / "90p.m3u8"))
    assert playlist.playlist_type == "vod"
    assert playlist.is_endlist
    assert playlist.segment_map
    assert playlist.segment_map[0].uri == "90p_init.mp4"
    total = sum(segment.duration for segment in playlist.segments)
    assert total == pytest.approx(media.info.duration_seconds, abs=0.1)
    assert all(segment.duration <= 4.5 for segment in playlist.segments)


async def test_the_master_playlist_lists_each_rendition_with_bandwidth_size_and_codecs(
    landscape: tuple[ProcessedMedia, Path],
) -> None:
    media, out = landscape
    master = m3u8.load(str(out / media.master_playlist.name))
    assert master.is_variant
    [variant] = master.playlists
    assert variant.uri == "90p.m3u8"
    assert variant.stream_info.resolution == (160, 90)
    assert variant.stream_info.codecs.startswith("avc1.")
    assert variant.stream_info.codecs.endswith(",mp4a.40.2")
    assert variant.stream_info.bandwidth == media.renditions[0].peak_bitrate_kbps * 1000
    assert media.renditions[0].bitrate_kbps > 0


async def test_the_mp4_is_faststart_h264_aac_at_the_largest_rendition(
    landscape: tuple[ProcessedMedia, Path],
) -> None:
    media, out = landscape
    data = (out / media.progressive.name).read_bytes()
    assert data[4:8] == b"ftyp"
    assert 0 < data.find(b"moov") < data.find(b"mdat"), "the index (moov) must precede the media"
    with av.open(str(out / media.progressive.name)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert (video.width, video.height) == (160, 90)
        assert container.duration is not None
        assert container.duration / av.time_base == pytest.approx(1.0, abs=0.1)


async def test_renditions_are_never_upscaled_and_keep_even_dimensions(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path, tmp_path: Path
) -> None:
    plan = ProcessingPlan(rendition_heights=(90, 180, 720), max_duration_seconds=600)
    media = await processor.process(clips["large"], workspace, plan)
    assert [(r.width, r.height) for r in media.renditions] == [(160, 90), (320, 180)]
    for rendition, name in zip(media.renditions, ["90p.m3u8", "180p.m3u8"], strict=True):
        assert rendition.playlist.name == f"hls/{name}"
        _, frames = _playlist_frames(workspace / "hls", name, tmp_path)
        assert {(f.width, f.height) for f in frames} == {(rendition.width, rendition.height)}
    master = m3u8.load(str(workspace / "hls" / "master.m3u8"))
    assert [v.stream_info.resolution for v in master.playlists] == [(160, 90), (320, 180)]
    with av.open(str(workspace / "stream.mp4")) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (320, 180)


async def test_an_odd_sized_source_gets_even_dimensions(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path
) -> None:
    media = await processor.process(clips["odd_webm"], workspace, PLAN)
    assert (media.info.width, media.info.height) == (161, 91)
    assert [(r.width, r.height) for r in media.renditions] == [(160, 90)]


# Where the stored top-left corner shows after the turn (x, y as fractions of the size).
TURNS = {
    "rotated": ((90, 160), (0.0, 1.0)),  # a quarter counter-clockwise: bottom left
    "rotated_180": ((160, 90), (1.0, 1.0)),  # half a turn: bottom right
    "rotated_270": ((90, 160), (1.0, 0.0)),  # a quarter clockwise: top right
}


def _corner(image: Image.Image, where: tuple[float, float]) -> object:
    x = 3 if where[0] == 0 else image.width - 4
    y = 3 if where[1] == 0 else image.height - 4
    return image.getpixel((x, y))


@pytest.mark.parametrize("name", sorted(TURNS))
async def test_rotation_is_applied_to_every_output(
    processor: PyAvMediaProcessor,
    clips: dict[str, Path],
    workspace: Path,
    tmp_path: Path,
    name: str,
) -> None:
    size, corner = TURNS[name]
    media = await processor.process(clips[name], workspace, PLAN)
    assert (media.info.width, media.info.height) == size
    assert [(r.width, r.height) for r in media.renditions] == [size]
    playlist = f"{min(size)}p.m3u8"
    _, frames = _playlist_frames(workspace / "hls", playlist, tmp_path)
    frame = frames[0]
    assert (frame.width, frame.height, frame.rotation) == (*size, 0)
    assert _near(_corner(image_of(frame), corner), RED)
    with Image.open(workspace / "poster.jpg") as poster:
        assert poster.size == size
        assert _near(_corner(poster, corner), RED)


async def test_portrait_clips_without_audio_have_video_only_renditions(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path
) -> None:
    media = await processor.process(clips["portrait"], workspace, PLAN)
    assert [(r.width, r.height) for r in media.renditions] == [(90, 160)]
    assert "mp4a" not in media.renditions[0].codecs
    with av.open(str(workspace / "stream.mp4")) as container:
        assert not container.streams.audio


@pytest.mark.parametrize("name", ["webm", "mov"])
async def test_webm_and_quicktime_become_h264_renditions(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path, name: str
) -> None:
    media = await processor.process(clips[name], workspace, PLAN)
    with av.open(str(workspace / "stream.mp4")) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert sum(1 for _ in container.decode(video=0)) == 25
    assert media.renditions[0].codecs.endswith("mp4a.40.2")


async def test_the_poster_skips_a_black_start_for_a_frame_that_shows_something(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path
) -> None:
    media = await processor.process(clips["dark_start"], workspace, PLAN)
    with Image.open(workspace / media.poster.file.name) as poster:
        mean, deviation = _luma(poster)
    assert mean > 40
    assert deviation > 10


async def test_a_poster_at_a_chosen_time_shows_that_moment(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path
) -> None:
    early = await processor.poster_at(clips["landscape"], workspace / "a", 0.1)
    late = await processor.poster_at(clips["landscape"], workspace / "b", 0.9)
    last = await processor.poster_at(clips["landscape"], workspace / "c", 0.96)
    past_end = await processor.poster_at(clips["landscape"], workspace / "d", 30)
    with (
        Image.open(workspace / "a" / early.file.name) as first,
        Image.open(workspace / "b" / late.file.name) as second,
        Image.open(workspace / "c" / last.file.name) as third,
        Image.open(workspace / "d" / past_end.file.name) as fourth,
    ):
        assert first.size == second.size == (160, 90)
        assert _differ(first, second), "the moving square must have moved"
        assert not _differ(third, fourth, tolerance=12), "past the end: the last frame"
    assert early.blurhash != late.blurhash


async def test_a_poster_of_a_rotated_clip_is_upright(
    processor: PyAvMediaProcessor, clips: dict[str, Path], workspace: Path
) -> None:
    poster = await processor.poster_at(clips["rotated"], workspace, 0.5)
    with Image.open(workspace / poster.file.name) as image:
        assert image.size == (90, 160)
        assert _near(image.getpixel((3, image.height - 4)), RED)


def _near(pixel: object, colour: tuple[int, int, int], tolerance: int = 50) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def _differ(a: Image.Image, b: Image.Image, tolerance: int = 30) -> bool:
    from PIL import ImageChops

    difference = ImageChops.difference(a.convert("L"), b.convert("L"))
    return max(difference.getextrema()) > tolerance  # type: ignore[operator]


# Workspaces and isolation -----------------------------------------------------------------------


async def test_a_workspace_is_removed_with_everything_in_it_even_after_an_error(
    processor: PyAvMediaProcessor,
) -> None:
    used: list[Path] = []

    async def fill_then_fail() -> None:
        async with processor.workspace() as path:
            used.append(path)
            (path / "nested").mkdir()
            (path / "nested" / "file").write_bytes(b"x")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fill_then_fail()
    assert not used[0].exists()


def hang(*_args: object) -> NoReturn:
    time.sleep(3600)
    raise AssertionError("the child outlived its time limit")


def crash(*_args: object) -> NoReturn:
    os.kill(os.getpid(), signal.SIGSEGV)
    raise AssertionError("the child survived SIGSEGV")


def hog_memory(*_args: object) -> NoReturn:
    block = bytearray(8 * 1024**3)  # 8 GiB at once: refused at once under any test limit
    del block
    raise AssertionError("the memory limit allowed 8 GiB")


def fail(*_args: object) -> NoReturn:
    raise ValueError("the decoder library raised")


async def test_a_hanging_child_is_killed_at_the_time_limit_and_the_parent_carries_on(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    processor = PyAvMediaProcessor(
        MediaLimits(timeout_seconds=1, memory_bytes=None), work=MediaWork(process=hang)
    )
    started = time.monotonic()
    with pytest.raises(MediaProcessingFailed, match="did not finish within 1 seconds"):
        await processor.process(clips["landscape"], tmp_path, PLAN)
    assert time.monotonic() - started < 10
    assert (await processor.probe(clips["landscape"])).width == 160  # the parent is fine


async def test_a_crashing_child_is_reported_and_the_parent_carries_on(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    processor = PyAvMediaProcessor(LIMITS, work=MediaWork(process=crash))
    with pytest.raises(MediaProcessingFailed, match=r"crashed \(SIGSEGV\)"):
        await processor.process(clips["landscape"], tmp_path, PLAN)
    assert (await processor.probe(clips["landscape"])).width == 160


async def test_a_child_over_its_memory_limit_fails_and_the_parent_carries_on(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    processor = PyAvMediaProcessor(
        MediaLimits(timeout_seconds=30, memory_bytes=1024 * 1024 * 1024),
        work=MediaWork(process=hog_memory),
    )
    with pytest.raises(MediaProcessingFailed, match="ran out of memory"):
        await processor.process(clips["landscape"], tmp_path, PLAN)
    assert (await processor.probe(clips["landscape"])).width == 160


async def test_an_unexpected_error_in_the_child_is_a_processing_failure(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    processor = PyAvMediaProcessor(LIMITS, work=MediaWork(process=fail))
    with pytest.raises(MediaProcessingFailed, match="ValueError: the decoder library raised"):
        await processor.process(clips["landscape"], tmp_path, PLAN)


async def test_a_cancelled_wait_kills_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    task = asyncio.ensure_future(
        run_in_child(_report_pid_and_hang, pid_file, limits=ChildLimits(60))
    )
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the child never started"
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(int(pid_file.read_text()), 0)


def _report_pid_and_hang(pid_file: Path) -> None:
    pid_file.write_text(str(os.getpid()))
    time.sleep(3600)


async def test_domain_errors_raised_in_the_child_arrive_as_they_are() -> None:
    with pytest.raises(ChildFailed) as failed:
        await run_in_child(fail, limits=ChildLimits(30))
    assert failed.value.kind is FailureKind.ERROR
    with pytest.raises(MediaRejected, match="nope"):
        await run_in_child(_reject, limits=ChildLimits(30))


def _reject() -> None:
    raise MediaRejected("nope")


_PARENT = """
import asyncio, sys
from pathlib import Path
from adapters.media.isolation import ChildLimits, run_in_child
from tests.integration.contracts.test_media_processor_contract import _report_pid_and_hang
asyncio.run(run_in_child(_report_pid_and_hang, Path(sys.argv[1]), limits=ChildLimits(600)))
"""


def test_a_child_ends_with_its_parent_when_the_parent_is_killed(tmp_path: Path) -> None:
    import subprocess
    import sys

    pid_file = tmp_path / "pid"
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(pid_file)])
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.02)
        child = int(pid_file.read_text())
        parent.kill()  # a worker killed with -9: no chance to stop its child
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(child):
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its reaper is gone already
        return stat.read().split()[2] != "Z"
