"""The media rules: which uploads are refused, and the sizes made of the others."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.media import MediaInfo, Size, poster_size, rejection_reason, rendition_sizes


def _info(**changes: object) -> MediaInfo:
    values: dict[str, object] = {
        "container": "mp4",
        "video_codec": "h264",
        "audio_codec": "aac",
        "duration_seconds": 12.5,
        "width": 1920,
        "height": 1080,
    }
    return MediaInfo(**{**values, **changes})  # type: ignore[arg-type]


def test_a_video_within_the_limits_is_accepted() -> None:
    assert rejection_reason(_info(), max_duration_seconds=600) is None


def test_a_video_longer_than_the_maximum_is_refused_with_both_durations() -> None:
    reason = rejection_reason(_info(duration_seconds=601.2), max_duration_seconds=600)
    assert reason == "The video is 601.2 seconds long; at most 600 seconds are accepted."


@pytest.mark.parametrize(("width", "height"), [(4097, 2160), (2160, 4097)])
def test_a_video_larger_than_4096_pixels_on_a_side_is_refused(width: int, height: int) -> None:
    reason = rejection_reason(_info(width=width, height=height), max_duration_seconds=600)
    assert reason is not None
    assert "at most 4096 pixels on a side" in reason


def test_a_video_without_duration_is_refused() -> None:
    assert rejection_reason(_info(duration_seconds=0), max_duration_seconds=600) is not None


@pytest.mark.parametrize(
    ("source", "heights", "expected"),
    [
        (Size(1920, 1080), (360, 720), [Size(640, 360), Size(1280, 720)]),
        (Size(1080, 1920), (360, 720), [Size(360, 640), Size(720, 1280)]),
        (Size(1280, 720), (360, 720, 1080), [Size(640, 360), Size(1280, 720)]),
        (Size(640, 360), (720,), [Size(640, 360)]),  # smaller than every height: its own size
        (Size(161, 91), (360, 720), [Size(160, 90)]),  # odd: even dimensions
        (Size(1000, 1000), (360,), [Size(360, 360)]),
        (Size(1920, 1080), (720, 360, 720), [Size(640, 360), Size(1280, 720)]),
    ],
)
def test_rendition_sizes(source: Size, heights: tuple[int, ...], expected: list[Size]) -> None:
    assert list(rendition_sizes(source, heights)) == expected


@given(
    width=st.integers(2, 4096),
    height=st.integers(2, 4096),
    heights=st.lists(st.integers(2, 2160), min_size=1, max_size=4).map(tuple),
)
def test_renditions_are_even_never_upscaled_and_keep_the_aspect(
    width: int, height: int, heights: tuple[int, ...]
) -> None:
    source = Size(width, height)
    sizes = rendition_sizes(source, heights)
    assert sizes
    assert [s.short_side for s in sizes] == sorted({s.short_side for s in sizes})
    for size in sizes:
        assert size.width % 2 == 0
        assert size.height % 2 == 0
        assert size.short_side <= max(2, source.short_side)
        assert (size.width >= size.height) == (width >= height) or size.width == size.height
        if size.short_side >= 64:  # rounding to even pixels moves small sizes more
            assert size.width / size.height == pytest.approx(width / height, rel=0.05)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (Size(1920, 1080), Size(1080, 608)),
        (Size(1080, 1920), Size(608, 1080)),
        (Size(640, 360), Size(640, 360)),
    ],
)
def test_the_poster_is_the_display_size_at_most_1080_on_its_long_side(
    source: Size, expected: Size
) -> None:
    assert poster_size(source) == expected
