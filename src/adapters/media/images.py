"""Avatar images with Pillow (runs in a child process: a hostile picture may only harm that child).

The pixel count is checked from the header before anything is decoded (decompression bombs are
refused without allocating them). The picture is turned upright from its EXIF orientation, cropped
to a centred square, scaled to each size and re-encoded from bare pixels: no EXIF, GPS, XMP, ICC
or comment survives.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from application.ports.image_processor import AvatarImages, ImageRejected, ImageTooLarge

AVATAR_TYPE = "image/jpeg"
JPEG_QUALITY = 85
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")


def _decoded(data: bytes, max_pixels: int, side: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own bomb check, as a second line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            width, height = image.size
            if width * height > max_pixels:
                raise ImageTooLarge(
                    f"The image has {width * height:,} pixels; at most {max_pixels:,} are accepted."
                )
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # an animated picture: its first frame
            image.draft("RGB", (side, side))  # JPEG: decode at a reduced scale still >= side
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(f"The image has more than {max_pixels:,} pixels.") from error
    except UnidentifiedImageError as error:
        raise ImageRejected("The file is not a JPEG, PNG or WebP image.") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRejected("The image could not be decoded (it may be truncated).") from error
    return image


def _flattened(image: Image.Image) -> Image.Image:
    """Opaque RGB: transparency painted over white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def avatar_variants(data: bytes, sizes: tuple[int, ...], max_pixels: int) -> AvatarImages:
    """Square JPEGs of the picture at each size (see the module docstring)."""
    image = _decoded(data, max_pixels, max(sizes))
    try:
        upright = ImageOps.exif_transpose(image) or image
    except (OSError, ValueError, SyntaxError):
        upright = image  # unreadable EXIF: use the pixels as stored
    square = ImageOps.fit(_flattened(upright), (max(sizes),) * 2, Image.Resampling.LANCZOS)
    variants: dict[int, bytes] = {}
    for size in sizes:
        scaled = (
            square
            if size == square.width
            else square.resize((size, size), Image.Resampling.LANCZOS)
        )
        bare = Image.frombytes("RGB", scaled.size, scaled.tobytes())  # pixels only: no metadata
        buffer = io.BytesIO()
        bare.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        variants[size] = buffer.getvalue()
    return AvatarImages(content_type=AVATAR_TYPE, variants=variants)
