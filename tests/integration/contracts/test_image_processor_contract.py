"""The `ImageProcessor` contract, on the Pillow adapter (each picture decoded in a child process)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from adapters.media.isolation import ChildLimits
from adapters.media.pillow_images import PillowImageProcessor
from application.ports.image_processor import AvatarImages, ImageRejected, ImageTooLarge
from domain.media import AVATAR_MAX_PIXELS, AVATAR_SIZES

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(scope="module")
def processor() -> PillowImageProcessor:
    return PillowImageProcessor()


def _encode(image: Image.Image, format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def _three_bands(width: int = 300, height: int = 100) -> Image.Image:
    """Blue left third, red centre third, green right third."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (width // 3, 0, 2 * width // 3, height))
    image.paste((0, 255, 0), (2 * width // 3, 0, width, height))
    return image


def _with_exif_and_gps(image: Image.Image, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return _encode(image, "JPEG", exif=exif.tobytes(), comment=b"secret comment", quality=95)


async def _avatar(processor: PillowImageProcessor, data: bytes) -> AvatarImages:
    return await processor.avatar(data, sizes=AVATAR_SIZES, max_pixels=AVATAR_MAX_PIXELS)


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_avatars_are_square_jpegs_of_each_size(processor: PillowImageProcessor) -> None:
    avatar = await _avatar(processor, _encode(_three_bands(), "PNG"))
    assert avatar.content_type == "image/jpeg"
    assert sorted(avatar.variants) == [64, 128, 512]
    for size, data in avatar.variants.items():
        image = _open(data)
        assert image.format == "JPEG"
        assert image.size == (size, size)


async def test_the_crop_keeps_the_centre(processor: PillowImageProcessor) -> None:
    avatar = await _avatar(processor, _encode(_three_bands(), "PNG"))
    image = _open(avatar.variants[512]).convert("RGB")
    for x in (5, 256, 506):  # the whole square is the red centre band
        red, green, blue = image.getpixel((x, 256))  # type: ignore[misc]
        assert red > 200
        assert green < 60
        assert blue < 60


async def test_no_metadata_survives(processor: PillowImageProcessor) -> None:
    source = _with_exif_and_gps(_three_bands())
    assert _open(source).getexif().get_ifd(GPS_IFD), "the input does carry GPS"
    avatar = await _avatar(processor, source)
    for data in avatar.variants.values():
        image = _open(data)
        assert not image.getexif()
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
        assert b"PhoneMaker" not in data
        assert b"secret comment" not in data


async def test_exif_orientation_is_applied_before_it_is_dropped(
    processor: PillowImageProcessor,
) -> None:
    # Stored sideways (orientation 6: turn 90 degrees clockwise to view): red on top as stored.
    stored = Image.new("RGB", (100, 100), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 100, 30))
    avatar = await _avatar(processor, _with_exif_and_gps(stored, orientation=6))
    image = _open(avatar.variants[128]).convert("RGB")
    red_right = image.getpixel((120, 64))
    assert isinstance(red_right, tuple)
    assert red_right[0] > 200, "the top went to the right"


async def test_transparency_is_painted_over_white(processor: PillowImageProcessor) -> None:
    clear = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    avatar = await _avatar(processor, _encode(clear, "PNG"))
    pixel = _open(avatar.variants[64]).convert("RGB").getpixel((32, 32))
    assert isinstance(pixel, tuple)
    assert min(pixel) > 240


async def test_webp_pictures_are_accepted(processor: PillowImageProcessor) -> None:
    avatar = await _avatar(processor, _encode(_three_bands(), "WEBP"))
    assert _open(avatar.variants[64]).size == (64, 64)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"this is not an image at all", id="text"),
        pytest.param(_encode(Image.new("RGB", (50, 50)), "GIF"), id="gif"),
        pytest.param(b"", id="empty"),
    ],
)
async def test_what_is_not_a_jpeg_png_or_webp_is_rejected(
    processor: PillowImageProcessor, data: bytes
) -> None:
    with pytest.raises(ImageRejected, match="not a JPEG, PNG or WebP image"):
        await _avatar(processor, data)


async def test_a_truncated_image_is_rejected(processor: PillowImageProcessor) -> None:
    whole = _encode(_three_bands(600, 400), "JPEG", quality=95)
    with pytest.raises(ImageRejected, match="could not be decoded"):
        await _avatar(processor, whole[: len(whole) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size (a decompression bomb's header) but carries no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_a_decompression_bomb_is_refused_from_its_header(
    processor: PillowImageProcessor,
) -> None:
    with pytest.raises(ImageTooLarge, match="pixels"):
        await _avatar(processor, _png_header_only(50_000, 50_000))


async def test_a_real_bomb_is_refused_without_being_decoded(
    processor: PillowImageProcessor,
) -> None:
    bomb = _encode(Image.new("1", (7000, 7000)), "PNG")  # 49 Mpx in a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(ImageTooLarge):
        await _avatar(processor, bomb)


async def test_a_decoder_that_does_not_finish_in_time_is_a_rejected_image() -> None:
    slow = PillowImageProcessor(ChildLimits(timeout_seconds=0.001))
    with pytest.raises(ImageRejected, match="could not be decoded"):
        await _avatar(slow, _encode(_three_bands(), "PNG"))
