"""The `ImageProcessor` on Pillow, one child process per picture."""

from __future__ import annotations

from adapters.media.isolation import ChildFailed, ChildLimits, run_in_child
from application.ports.image_processor import AvatarImages, ImageProcessor, ImageRejected

DEFAULT_LIMITS = ChildLimits(timeout_seconds=30, memory_bytes=1536 * 1024 * 1024)


class PillowImageProcessor(ImageProcessor):
    """Decodes each picture in a fresh child process: a hostile one that hangs, crashes or eats
    memory is stopped there and refused as undecodable."""

    def __init__(self, limits: ChildLimits = DEFAULT_LIMITS) -> None:
        self._limits = limits

    async def avatar(self, data: bytes, *, sizes: tuple[int, ...], max_pixels: int) -> AvatarImages:
        try:
            avatar: AvatarImages = await run_in_child(
                "adapters.media.images:avatar_variants",
                data,
                sizes,
                max_pixels,
                limits=self._limits,
            )
            return avatar
        except ChildFailed as failed:
            raise ImageRejected(
                f"The image could not be decoded (its decoder {failed})."
            ) from failed
