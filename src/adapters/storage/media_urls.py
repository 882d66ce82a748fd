"""Signed media URLs: `{public_url}/api/v1/media/{token}` serves one stored object until it expires.

A token is `base64url(payload) "." base64url(tag) "." extension`: the payload is the compact JSON of
the key and the expiry (integer epoch seconds), the tag the first 16 bytes of its HMAC-SHA256 under
a key derived from the secret for this purpose only (an upload token is never a media token, nor the
reverse). The token ends with the object's file extension because some players (FFmpeg's HLS
demuxer among them) accept a segment only when its URL names a media file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
from datetime import UTC, datetime

from application.ports.media_urls import MediaUrls
from domain.errors import InvalidToken

MEDIA_PATH = "/api/v1/media/"
_KEY_LABEL = b"clipstream/media-url/v1"
_TAG_BYTES = 16
_MAX_TOKEN_CHARS = 2048
_TOKEN_SHAPE = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([a-z0-9]{1,8})")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def extension_of(key: str) -> str:
    """The key's file extension in lower case (`bin` when it has none)."""
    match = _EXTENSION.search(key.rsplit("/", 1)[-1])
    return match.group(1).lower() if match else "bin"


class HmacMediaUrls(MediaUrls):
    """Media URLs signed with HMAC-SHA256."""

    def __init__(self, secret: bytes, public_url: str) -> None:
        if not secret:
            raise ValueError("the media-URL secret must not be empty")
        self._key = hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()
        self._base = public_url.rstrip("/") + MEDIA_PATH

    def url(self, key: str, expires_at: datetime) -> str:
        return self._base + self.token(key, expires_at)

    def token(self, key: str, expires_at: datetime) -> str:
        claims = {"key": key, "exp": math.floor(expires_at.timestamp())}
        payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        return f"{payload}.{self._tag(payload)}.{extension_of(key)}"

    def verify(self, token: str, now: datetime) -> str:
        match = _TOKEN_SHAPE.fullmatch(token) if len(token) <= _MAX_TOKEN_CHARS else None
        if match is None:
            raise InvalidToken("The media URL is malformed.")
        payload, tag, extension = match.groups()
        if not hmac.compare_digest(self._tag(payload).encode(), tag.encode()):
            raise InvalidToken("The media URL is invalid.")
        try:
            claims = json.loads(_b64decode(payload))
            key, expires = claims["key"], claims["exp"]
        except (binascii.Error, ValueError, KeyError, TypeError) as error:
            raise InvalidToken("The media URL is malformed.") from error
        if not isinstance(key, str) or not isinstance(expires, int) or isinstance(expires, bool):
            raise InvalidToken("The media URL is malformed.")
        if extension != extension_of(key):
            raise InvalidToken("The media URL is invalid.")
        if now >= datetime.fromtimestamp(expires, UTC):
            raise InvalidToken("The media URL has expired.")
        return key

    def _tag(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()
        return _b64encode(digest[:_TAG_BYTES])
