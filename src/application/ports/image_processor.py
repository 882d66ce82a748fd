"""Port: turning an uploaded picture into avatar images."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from domain.errors import DomainError


class ImageRejected(DomainError):
    """The bytes are not an image that can be decoded (not an image, truncated, damaged)."""


class ImageTypeUnsupported(DomainError):
    """The picture is declared as a type that is not accepted."""


class ImageTooLarge(DomainError):
    """The image has more bytes or pixels than allowed (decompression bombs included)."""


@dataclass(frozen=True, slots=True)
class AvatarImages:
    """Square re-encodings of a picture by side length, all of one content type, no metadata."""

    content_type: str
    variants: Mapping[int, bytes]


class ImageProcessor(Protocol):
    """Decodes untrusted pictures (in a child process with limits) and re-encodes them."""

    async def avatar(self, data: bytes, *, sizes: tuple[int, ...], max_pixels: int) -> AvatarImages:
        """The picture cropped to a centred square and scaled to each size (upright, no metadata).

        Raises `ImageTooLarge` past `max_pixels`, `ImageRejected` when it cannot be decoded.
        """
        ...
