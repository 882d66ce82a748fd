"""Block and unblock accounts."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.errors import NotFound
from domain.moderation import check_block


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockCommand:
    blocker_id: UUID
    blocked_id: UUID


async def _require_account(uow: UnitOfWork, user_id: UUID) -> None:
    if await uow.users.get(user_id) is None:
        raise NotFound("No such user.")


class BlockUser:
    """Block an account. Idempotent: blocking again changes nothing; nobody blocks themselves
    (422); blocking works whatever the other account's state (suspended, blocking you).

    Blocking ends the follows between the two accounts, both ways, with their counts, in the same
    transaction; from then on `application.common.visibility` hides each from the other. The
    pair of accounts is locked first, so a follow racing the block either lands before it (and is
    ended by it) or sees it (and is refused): no follow survives a block.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: BlockCommand) -> bool:
        check_block(command.blocker_id, command.blocked_id)
        blocker, blocked = command.blocker_id, command.blocked_id
        async with self._uow() as uow:
            await uow.blocks.lock_pair(blocker, blocked)
            await _require_account(uow, blocked)
            if await uow.blocks.block(blocker, blocked, self._clock.now()):
                for follower, followee in ((blocker, blocked), (blocked, blocker)):
                    if await uow.follows.remove(follower, followee):
                        await uow.users.add_to_counters(followee, followers=-1)
                        await uow.users.add_to_counters(follower, following=-1)
            await uow.commit()
        return True


class UnblockUser:
    """Unblock an account. Idempotent. Visibility comes back at once; follows do not."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: BlockCommand) -> bool:
        check_block(command.blocker_id, command.blocked_id)
        async with self._uow() as uow:
            await _require_account(uow, command.blocked_id)
            await uow.blocks.unblock(command.blocker_id, command.blocked_id)
            await uow.commit()
        return False
