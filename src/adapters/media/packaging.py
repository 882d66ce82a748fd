"""HLS packaging: a rendition's MP4 cut into fMP4 segments with a VOD playlist, and the master
playlist that lists every rendition (in a child process).

Segments are cut at keyframes after `SEGMENT_SECONDS` (the renditions have a keyframe every 2 s,
so segments last about 4 s and start at the same instants in every rendition). Playlist URIs are
relative file names; the API rewrites them into signed URLs per request.
"""

from __future__ import annotations

from pathlib import Path

import av
from av.container import InputContainer

from application.ports.media_processor import OutputFile, RenditionOutput

SEGMENT_SECONDS = 4
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
SEGMENT_TYPE = "video/iso.segment"
INIT_TYPE = "video/mp4"
AAC_LC = "mp4a.40.2"
MASTER_NAME = "master.m3u8"


def h264_codec_string(container: InputContainer) -> str:
    """The RFC 6381 name of the first video stream's H.264 profile and level, e.g. avc1.64001f."""
    extradata = container.streams.video[0].codec_context.extradata or b""
    if len(extradata) >= 4 and extradata[0] == 1:  # an avcC record: version, profile, flags, level
        profile, flags, level = extradata[1], extradata[2], extradata[3]
        return f"avc1.{profile:02x}{flags:02x}{level:02x}"
    start = extradata.find(b"\x00\x00\x01\x67")  # else Annex B: the sequence parameter set
    if start >= 0 and len(extradata) >= start + 7:
        profile, flags, level = extradata[start + 4 : start + 7]
        return f"avc1.{profile:02x}{flags:02x}{level:02x}"
    return "avc1.640028"  # High profile, level 4.0: what a player may assume


def _segments(playlist: Path) -> list[tuple[float, str]]:
    """(duration, URI) of every segment of a media playlist we wrote."""
    entries: list[tuple[float, str]] = []
    duration: float | None = None
    for line in playlist.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#") and duration is not None:
            entries.append((duration, line.strip()))
            duration = None
    return entries


def package_hls(
    rendition: Path, hls_dir: Path, width: int, height: int
) -> tuple[RenditionOutput, list[OutputFile]]:
    """Cut an MP4 rendition into HLS (fMP4 segments, a VOD playlist named by its short side)."""
    name = f"{min(width, height)}p"
    hls_dir.mkdir(parents=True, exist_ok=True)
    playlist = hls_dir / f"{name}.m3u8"
    init = f"{name}_init.mp4"
    with av.open(str(rendition), "r") as source:
        codecs = [h264_codec_string(source)]
        has_audio = bool(source.streams.audio)
        if has_audio:
            codecs.append(AAC_LC)
        with av.open(
            str(playlist),
            "w",
            format="hls",
            options={
                "hls_time": str(SEGMENT_SECONDS),
                "hls_playlist_type": "vod",
                "hls_segment_type": "fmp4",
                "hls_fmp4_init_filename": init,
                "hls_segment_filename": str(hls_dir / f"{name}_%04d.m4s"),
                "hls_flags": "independent_segments",
            },
        ) as output:
            streams = {s.index: output.add_stream_from_template(s) for s in source.streams}
            for packet in source.demux():
                if packet.dts is None:
                    continue
                packet.stream = streams[packet.stream.index]
                output.mux(packet)

    segments = _segments(playlist)
    total_seconds = sum(duration for duration, _ in segments) or 1.0
    sizes = [(hls_dir / uri).stat().st_size for _, uri in segments]
    init_bytes = (hls_dir / init).stat().st_size
    average = (sum(sizes) + init_bytes) * 8 / total_seconds / 1000
    peak = max(
        (
            size * 8 / max(duration, 0.5) / 1000
            for size, (duration, _) in zip(sizes, segments, strict=True)
        ),
        default=average,
    )
    files = [
        OutputFile(f"hls/{playlist.name}", PLAYLIST_TYPE),
        OutputFile(f"hls/{init}", INIT_TYPE),
        *(OutputFile(f"hls/{uri}", SEGMENT_TYPE) for _, uri in segments),
    ]
    output_rendition = RenditionOutput(
        width=width,
        height=height,
        bitrate_kbps=max(1, round(average)),
        peak_bitrate_kbps=max(1, round(max(peak, average))),
        codecs=",".join(codecs),
        playlist=files[0],
    )
    return output_rendition, files


def write_master(
    hls_dir: Path, renditions: list[RenditionOutput], frame_rate: float | None
) -> OutputFile:
    """The master playlist: one variant per rendition, lowest first."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in renditions:
        attributes = [
            f"BANDWIDTH={rendition.peak_bitrate_kbps * 1000}",
            f"AVERAGE-BANDWIDTH={rendition.bitrate_kbps * 1000}",
            f'CODECS="{rendition.codecs}"',
            f"RESOLUTION={rendition.width}x{rendition.height}",
        ]
        if frame_rate:
            attributes.append(f"FRAME-RATE={min(frame_rate, 60.0):.3f}")
        lines += [
            f"#EXT-X-STREAM-INF:{','.join(attributes)}",
            rendition.playlist.name.split("/")[-1],
        ]
    (hls_dir / MASTER_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return OutputFile(f"hls/{MASTER_NAME}", PLAYLIST_TYPE)
