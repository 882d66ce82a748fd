"""Port: signed URLs of this API that serve stored objects (storages without presigned URLs)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class MediaUrls(Protocol):
    """Signs and verifies `GET /api/v1/media/{token}` URLs, each good for one object until it
    expires (HMAC, like upload URLs)."""

    def url(self, key: str, expires_at: datetime) -> str:
        """An absolute URL of this API that serves the object `key` until `expires_at`."""
        ...

    def verify(self, token: str, now: datetime) -> str:
        """The key a genuine, unexpired token names; raises `InvalidToken` otherwise."""
        ...
