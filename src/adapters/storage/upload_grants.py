"""Signed upload grants, and the upload targets of storages that receive uploads through this API.

A token is `base64url(payload) "." base64url(tag)`: the payload is the compact JSON of the grant
(expiry as integer epoch seconds), the tag the first 16 bytes of its HMAC-SHA256 under a key derived
from the secret for this purpose only (the same secret may sign other things without confusion).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from application.ports.object_storage import (
    CompletedPart,
    UploadPartTarget,
    UploadRejected,
    UploadTarget,
)
from application.ports.upload_grants import UploadGrant, UploadGrants
from domain.errors import InvalidToken

UPLOAD_PATH = "/api/v1/uploads/"
_KEY_LABEL = b"clipstream/upload-grant/v1"
_TAG_BYTES = 16
_MAX_TOKEN_CHARS = 4096
_TOKEN_SHAPE = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")
_FIELDS = frozenset({"key", "max_bytes", "expires_at", "part_number", "upload_id"})


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class HmacUploadGrants(UploadGrants):
    """Signs upload grants into URL-safe tokens with HMAC-SHA256 and verifies them."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the upload-grant secret must not be empty")
        self._key = hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()

    def sign(self, grant: UploadGrant) -> str:
        claims = {
            "key": grant.key,
            "max_bytes": grant.max_bytes,
            "expires_at": math.floor(grant.expires_at.timestamp()),
            "part_number": grant.part_number,
            "upload_id": grant.upload_id,
        }
        payload = _b64encode(
            json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8")
        )
        return f"{payload}.{self._tag(payload)}"

    def verify(self, token: str, now: datetime) -> UploadGrant:
        match = _TOKEN_SHAPE.fullmatch(token) if len(token) <= _MAX_TOKEN_CHARS else None
        if match is None:
            raise InvalidToken("The upload token is malformed.")
        payload, tag = match.groups()
        if not hmac.compare_digest(self._tag(payload).encode(), tag.encode()):
            raise InvalidToken("The upload token is invalid.")
        grant = self._decode(payload)
        if now >= grant.expires_at:
            raise InvalidToken("The upload token has expired.")
        return grant

    def _tag(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()
        return _b64encode(digest[:_TAG_BYTES])

    @staticmethod
    def _decode(payload: str) -> UploadGrant:
        """The grant in a payload whose tag is genuine (so only a bug could make it malformed)."""
        try:
            claims = json.loads(_b64decode(payload))
        except (binascii.Error, ValueError) as error:
            raise InvalidToken("The upload token is malformed.") from error
        if not isinstance(claims, dict) or set(claims) != _FIELDS:
            raise InvalidToken("The upload token is malformed.")
        key, max_bytes, expires_at = claims["key"], claims["max_bytes"], claims["expires_at"]
        part_number, upload_id = claims["part_number"], claims["upload_id"]
        if not (
            isinstance(key, str)
            and _is_int(max_bytes)
            and _is_int(expires_at)
            and (part_number is None or _is_int(part_number))
            and (upload_id is None or isinstance(upload_id, str))
        ):
            raise InvalidToken("The upload token is malformed.")
        try:
            expiry = datetime.fromtimestamp(expires_at, UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise InvalidToken("The upload token is malformed.") from error
        return UploadGrant(
            key=key,
            max_bytes=max_bytes,
            expires_at=expiry,
            part_number=part_number,
            upload_id=upload_id,
        )


def signed_upload_target(
    grants: UploadGrants,
    public_url: str,
    key: str,
    *,
    size_bytes: int,
    part_size: int | None,
    expires_at: datetime,
    upload_id: str | None,
) -> UploadTarget:
    """Upload instructions whose URLs are `PUT {public_url}/api/v1/uploads/{token}` of this API.

    A single upload's token allows `size_bytes`; each part's token allows that part's own size
    (`part_size`, the last one less). `upload_id` is required exactly when `part_size` is given.
    """
    if size_bytes < 1:
        raise ValueError("an upload holds at least one byte")
    base = public_url.rstrip("/") + UPLOAD_PATH

    def url(max_bytes: int, part_number: int | None = None) -> str:
        grant = UploadGrant(key, max_bytes, expires_at, part_number, upload_id)
        return base + grants.sign(grant)

    if part_size is None:
        return UploadTarget(expires_at=expires_at, url=url(size_bytes))
    if part_size < 1 or upload_id is None:
        raise ValueError("a multipart upload needs a positive part size and an upload id")
    count = -(-size_bytes // part_size)
    parts = tuple(
        UploadPartTarget(number, url(min(part_size, size_bytes - (number - 1) * part_size), number))
        for number in range(1, count + 1)
    )
    return UploadTarget(
        expires_at=expires_at, part_size=part_size, parts=parts, upload_id=upload_id
    )


def ordered_parts(parts: Sequence[CompletedPart]) -> list[CompletedPart]:
    """The parts of a completion request by part number; `UploadRejected` if empty or repeated."""
    ordered = sorted(parts, key=lambda part: part.part_number)
    numbers = [part.part_number for part in ordered]
    if not numbers or numbers[0] < 1 or len(set(numbers)) != len(numbers):
        raise UploadRejected("The part list is empty, repeats a part or numbers one below 1.")
    return ordered


def same_etag(given: str, actual: str) -> bool:
    """Whether two ETags are equal, ignoring surrounding quotes (clients often drop them)."""
    return given.strip().strip('"') == actual.strip().strip('"')
