"""Port for the signed upload URLs of storages that receive uploads through this API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class UploadGrant:
    """What a signed upload URL allows: writing at most `max_bytes` to `key` (or one part) until `expires_at`."""

    key: str
    max_bytes: int
    expires_at: datetime
    part_number: int | None = None
    upload_id: str | None = None


class UploadGrants(Protocol):
    """Signs and verifies upload grants (HMAC): the token in `PUT /api/v1/uploads/{token}`."""

    def sign(self, grant: UploadGrant) -> str:
        """A URL-safe token carrying the grant."""
        ...

    def verify(self, token: str, now: datetime) -> UploadGrant:
        """The grant of a genuine, unexpired token; raises `InvalidToken` otherwise."""
        ...
