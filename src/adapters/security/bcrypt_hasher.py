"""bcrypt password hasher that pre-hashes, so every character counts and length never breaks it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import bcrypt

from application.ports.password_hasher import PasswordHasher

# Domain separation for the pre-hash, not a secret: bcrypt only reads 72 bytes and rejects longer
# input, so the password is first condensed to base64(HMAC-SHA256) (44 bytes) with this fixed key.
_PREHASH_KEY = b"clipstream/password-prehash/v1"
_T = TypeVar("_T")


def default_threads() -> int:
    """One core is left to the event loop: bcrypt never takes every core of the machine."""
    return max(1, (os.cpu_count() or 2) - 1)


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return base64.b64encode(digest.digest())


class BcryptPasswordHasher(PasswordHasher):
    """bcrypt at a configurable cost, off the event loop on threads of its own.

    Not on the loop's default executor: a burst of logins would fill it, and everything else that
    needs a thread (file storage, Litestar's sync callables) would queue behind seconds of bcrypt,
    stalling unrelated requests. With `threads` below the number of cores, a login burst is limited
    by bcrypt alone and other routes keep a core (bench/RESULTS.md measures it).
    """

    def __init__(self, rounds: int = 12, threads: int | None = None) -> None:
        self._rounds = rounds
        self._dummy_hash: bytes | None = None
        self._executor = ThreadPoolExecutor(
            max_workers=threads or default_threads(), thread_name_prefix="bcrypt"
        )

    async def hash(self, password: str) -> str:
        return await self._run(self._hash_sync, password)

    async def verify(self, password: str, password_hash: str) -> bool:
        return await self._run(self._verify_sync, password, password_hash.encode("ascii"))

    async def burn(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = (await self.hash("clipstream dummy password")).encode("ascii")
        await self._run(self._verify_sync, password, self._dummy_hash)

    async def _run(self, function: Callable[..., _T], *args: object) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _hash_sync(self, password: str) -> str:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self._rounds)).decode("ascii")

    @staticmethod
    def _verify_sync(password: str, password_hash: bytes) -> bool:
        try:
            return bcrypt.checkpw(_prehash(password), password_hash)
        except ValueError:  # a corrupt stored hash never matches
            return False
