"""Media processing benchmark (see bench/README.md, "Media processing").

.venv/bin/python bench/media.py                  # both measurements on one core
.venv/bin/python bench/media.py --cores all      # let processing use every core
.venv/bin/python bench/media.py --preset faster --crf 21

1. CPU seconds per second of 720p input: a 10 s 720p30 clip processed by the PyAV processor (a
   child process, as in production) at the given x264 settings with the default renditions
   (360p and 720p), measured with `getrusage` of the children.
2. End to end: a real `clipstream serve` (SQLite, local files, its in-process worker), a 10 s
   1080p30 clip uploaded and completed through the API, and the time from `complete` to `ready`.

The clips are made first (a moving test pattern with camera-like noise, H.264 at about 20 Mb/s
and AAC, as phones record); their making is not measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchkit.config import VENV_BIN
from benchkit.servers import Server, free_port

from adapters.media.encoder_settings import X264Settings
from adapters.media.pyav_processor import MediaLimits, PyAvMediaProcessor
from application.ports.media_processor import ProcessingPlan

API = "/api/v1"
SECONDS = 10.0
PASSWORD = "correct horse battery"  # noqa: S105 (a throwaway account of the private server)


def make_clip(path: Path, width: int, height: int, seconds: float) -> Path:
    """A clip like a phone's: 30 fps H.264 (High, ~20 Mb/s at 1080p) with noise, and AAC."""
    import av
    import av.filter

    frames = av.filter.Graph()
    chain = [
        frames.add("testsrc2", f"size={width}x{height}:rate=30:duration={seconds}"),
        frames.add("noise", "alls=6:allf=t"),
        frames.add("format", "yuv420p"),
        frames.add("buffersink"),
    ]
    frames.link_nodes(*chain).configure()
    sound = av.filter.Graph()
    tone = [
        sound.add("sine", f"frequency=440:sample_rate=48000:duration={seconds}"),
        sound.add("aformat", "channel_layouts=stereo"),
        sound.add("abuffersink"),
    ]
    sound.link_nodes(*tone).configure()
    with av.open(str(path), "w") as output:
        video = output.add_stream(
            "libx264",
            rate=30,
            options={
                "preset": "ultrafast",
                "crf": "20",
                "x264-params": "vbv-maxrate=20000:vbv-bufsize=40000",
            },
        )
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = output.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        while True:
            try:
                picture = chain[-1].pull()
            except (av.error.EOFError, av.error.BlockingIOError):
                break
            output.mux(video.encode(picture))  # type: ignore[arg-type]
        output.mux(video.encode(None))
        while True:
            try:
                samples = tone[-1].pull()
            except (av.error.EOFError, av.error.BlockingIOError):
                break
            output.mux(audio.encode(samples))  # type: ignore[arg-type]
        output.mux(audio.encode(None))
    return path


def cpu_per_input_second(clip: Path, x264: X264Settings, workdir: Path) -> dict[str, Any]:
    """Process `clip` once in a child; CPU and wall seconds, per second of input."""
    processor = PyAvMediaProcessor(MediaLimits(timeout_seconds=900, memory_bytes=None), x264)
    plan = ProcessingPlan(rendition_heights=(360, 720), max_duration_seconds=600)
    output = workdir / "out"
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    media = asyncio.run(processor.process(clip, output, plan))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    duration = media.info.duration_seconds
    return {
        "input_seconds": duration,
        "cpu_seconds": round(cpu, 2),
        "wall_seconds": round(wall, 2),
        "cpu_per_input_second": round(cpu / duration, 3),
        "renditions": [
            f"{r.width}x{r.height} {r.bitrate_kbps} kb/s (peak {r.peak_bitrate_kbps})"
            for r in media.renditions
        ],
    }


def _call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (our own server)
    request.add_header("content-type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        text = answer.read()
        return json.loads(text) if text else None


def complete_to_ready(clip: Path, x264: X264Settings, workdir: Path, pin: bool) -> dict[str, Any]:
    """Upload `clip` to a real server and time `complete` until the video is `ready`."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/bench.db",
        "CLIPSTREAM_STORAGE_URL": str(workdir / "media"),
        "CLIPSTREAM_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0",
        "CLIPSTREAM_BCRYPT_ROUNDS": "4",
        "CLIPSTREAM_X264_PRESET": x264.preset,
        "CLIPSTREAM_X264_CRF": str(x264.crf),
    }
    command = [str(VENV_BIN / "clipstream"), "serve", "--port", str(port)]
    if pin:
        command = ["taskset", "-c", "0", *command]
    with Server("clipstream", command, env, port, workdir / "server.log") as server:
        server.wait_ready()
        base = server.url + API
        tokens = _call(
            "POST",
            f"{base}/auth/register",
            {"username": "bench", "email": "bench@example.com", "password": PASSWORD},
        )
        auth = {"Authorization": f"Bearer {tokens['accessToken']}"}
        size = clip.stat().st_size
        created = _call(
            "POST", f"{base}/videos", {"contentType": "video/mp4", "sizeBytes": size}, auth
        )
        video_id = created["video"]["id"]
        upload = urllib.request.Request(  # noqa: S310 (our own server)
            created["upload"]["url"], data=clip.read_bytes(), method="PUT"
        )
        urllib.request.urlopen(upload, timeout=120).close()  # noqa: S310
        started = time.perf_counter()
        _call("POST", f"{base}/videos/{video_id}/complete", {}, auth)
        while True:
            video = _call("GET", f"{base}/videos/{video_id}", headers=auth)
            if video["status"] != "processing":
                break
            if time.perf_counter() - started > 900:
                raise RuntimeError("the video was not ready within 15 minutes")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    if video["status"] != "ready":
        raise RuntimeError(f"processing failed: {video['failureReason']}\n{server.tail()}")
    return {
        "complete_to_ready_seconds": round(elapsed, 1),
        "renditions": video["renditions"],
        "pinned_to_one_core": pin,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    parser.add_argument("--crf", type=int, default=23, help="x264 CRF (default 23)")
    parser.add_argument(
        "--cores", choices=("one", "all"), default="one", help="processing on one core or all"
    )
    args = parser.parse_args()
    x264 = X264Settings(preset=args.preset, crf=args.crf)
    pin = args.cores == "one" and shutil.which("taskset") is not None
    if args.cores == "one":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the child inherits it
    with tempfile.TemporaryDirectory(prefix="clipstream-bench-media-") as folder:
        workdir = Path(folder)
        print("making the clips...", file=sys.stderr)
        clip_720 = make_clip(workdir / "clip-720p.mp4", 1280, 720, SECONDS)
        clip_1080 = make_clip(workdir / "clip-1080p.mp4", 1920, 1080, SECONDS)
        print("processing the 720p clip...", file=sys.stderr)
        cpu = cpu_per_input_second(clip_720, x264, workdir)
        print("complete -> ready of the 1080p clip through a real server...", file=sys.stderr)
        end_to_end = complete_to_ready(clip_1080, x264, workdir / "server", pin)
    report = {
        "x264": {"preset": x264.preset, "crf": x264.crf},
        "cores": args.cores,
        "machine_cores": os.cpu_count(),
        "cpu_720p": cpu,
        "end_to_end_1080p": end_to_end,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
