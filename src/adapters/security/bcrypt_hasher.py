"""bcrypt password hasher that pre-hashes, so every character counts and length never breaks it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

import bcrypt

# Domain separation for the pre-hash, not a secret: bcrypt only reads 72 bytes and rejects longer
# input, so the password is first condensed to base64(HMAC-SHA256) (44 bytes) with this fixed key.
_PREHASH_KEY = b"clipstream/password-prehash/v1"


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return base64.b64encode(digest.digest())


class BcryptPasswordHasher:
    """bcrypt at a configurable cost; the hashing runs in a worker thread, off the event loop."""

    def __init__(self, rounds: int = 12) -> None:
        self._rounds = rounds
        self._dummy_hash: bytes | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hash_sync, password)

    async def verify(self, password: str, password_hash: str) -> bool:
        return await asyncio.to_thread(self._verify_sync, password, password_hash.encode("ascii"))

    async def burn(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = (await self.hash("clipstream dummy password")).encode("ascii")
        await asyncio.to_thread(self._verify_sync, password, self._dummy_hash)

    def _hash_sync(self, password: str) -> str:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self._rounds)).decode("ascii")

    @staticmethod
    def _verify_sync(password: str, password_hash: bytes) -> bool:
        try:
            return bcrypt.checkpw(_prehash(password), password_hash)
        except ValueError:  # a corrupt stored hash never matches
            return False
