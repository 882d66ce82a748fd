"""Opaque, tamper-evident pagination cursors."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import msgspec

from domain.errors import FieldError
from entrypoints.http.errors import problem

_SIGNATURE_BYTES = 12
MAX_CURSOR_LENGTH = 512


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Encodes a keyset position as base64url JSON plus a truncated HMAC, so clients cannot forge one.

    A cursor that was altered, truncated or made up is rejected with 400.
    """

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"clipstream-cursor:" + secret).digest()

    def encode(self, position: Any) -> str:
        payload = msgspec.json.encode(position)
        return f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"

    def decode(self, cursor: str, shape: Any) -> Any:
        """The position in a cursor, converted to `shape`; 400 problem details if it is not genuine."""
        try:
            body, _, signature = cursor.partition(".")
            payload = _b64decode(body)
            if not hmac.compare_digest(_b64decode(signature), self._sign(payload)):
                raise ValueError("bad signature")
            return msgspec.json.decode(payload, type=shape)
        except (ValueError, msgspec.DecodeError, msgspec.ValidationError):
            raise problem(
                400,
                "The cursor is not valid; start again without one.",
                slug="bad-cursor",
                errors=[FieldError("cursor", "is not a cursor of this list: start without one")],
            ) from None

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
