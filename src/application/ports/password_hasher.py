"""Port: password hashing."""

from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """Hashes and verifies passwords (slow by design; never blocks the event loop)."""

    async def hash(self, password: str) -> str:
        """A salted hash of the password."""
        ...

    async def verify(self, password: str, password_hash: str) -> bool:
        """Whether the password matches the hash."""
        ...

    async def burn(self, password: str) -> None:
        """Spend the same work as `verify` on a dummy hash (login of an unknown account)."""
        ...
