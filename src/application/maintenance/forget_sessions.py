"""Forget sessions and refresh tokens that can no longer be used."""

from __future__ import annotations

from datetime import timedelta

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory

RETENTION = timedelta(days=7)


class ForgetEndedSessions:
    """Sessions and refresh tokens grow with every login and refresh; they are kept while they
    can be used, and `RETENTION` (7 days) after that, to look into a revocation:

    - a session that expired or was revoked more than 7 days ago is deleted, with its tokens;
    - a refresh token that expired more than 7 days ago is deleted;
    - an email token (verification, email change, reset) that expired more than 7 days ago is
      deleted.

    Nothing a client sees changes: an ended session and an expired token are refused exactly like
    unknown ones (a spent token is a reuse only while it could still be used). A round deletes at
    most `limit` sessions and `limit` tokens, in one short transaction.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, limit: int = 1000) -> int:
        """How many sessions and refresh tokens were forgotten (email tokens are not counted)."""
        async with self._uow() as uow:
            before = self._clock.now() - RETENTION
            forgotten = await uow.sessions.forget_ended(before, limit)
            await uow.email_tokens.forget_ended(before, limit)
            await uow.commit()
        return forgotten
