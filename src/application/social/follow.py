"""Follow and unfollow accounts."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import reachable_account
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.errors import NotFound
from domain.follows import check_follow


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowCommand:
    follower_id: UUID
    followee_id: UUID


@dataclass(frozen=True, slots=True)
class FollowState:
    """Whether the caller now follows the account, and its follower count."""

    following: bool
    follower_count: int


async def _follower_count(uow: UnitOfWork, user_id: UUID) -> int:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("No such user.")
    return user.follower_count


class FollowUser:
    """Follow an account. Idempotent: following again changes nothing. Nobody follows themselves
    (422). An account you cannot see (suspended, or blocking you) is 404; one you block is 409
    until you unblock it. The pair is locked first, like `BlockUser` does, so a block and a
    follow between the same accounts never interleave."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: FollowCommand) -> FollowState:
        check_follow(command.follower_id, command.followee_id)
        async with self._uow() as uow:
            await uow.blocks.lock_pair(command.follower_id, command.followee_id)
            await reachable_account(uow, command.followee_id, command.follower_id)
            if await uow.follows.add(command.follower_id, command.followee_id, self._clock.now()):
                await uow.users.add_to_counters(command.followee_id, followers=1)
                await uow.users.add_to_counters(command.follower_id, following=1)
            count = await _follower_count(uow, command.followee_id)
            await uow.commit()
        return FollowState(following=True, follower_count=count)


class UnfollowUser:
    """Stop following an account. Idempotent: unfollowing again changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: FollowCommand) -> FollowState:
        check_follow(command.follower_id, command.followee_id)
        async with self._uow() as uow:
            await _follower_count(uow, command.followee_id)
            if await uow.follows.remove(command.follower_id, command.followee_id):
                await uow.users.add_to_counters(command.followee_id, followers=-1)
                await uow.users.add_to_counters(command.follower_id, following=-1)
            count = await _follower_count(uow, command.followee_id)
            await uow.commit()
        return FollowState(following=False, follower_count=count)
