"""Delete the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.password_check import PasswordCheck
from application.common.storage_cleanup import StorageCleanup, folder_of
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.users.avatar_keys import user_prefix
from domain.errors import InvalidToken


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteAccountCommand:
    user_id: UUID
    password: str

    def __repr__(self) -> str:
        return f"DeleteAccountCommand(user_id={self.user_id}, password=***)"


class DeleteAccount:
    """Delete the account after re-checking its password.

    Rules: a wrong password is refused (403) and counts towards the login lock-out. The account and
    everything it owns (sessions, videos, comments, likes and follows) go in one transaction, and
    every other account, video and comment loses what the account contributed to it (see
    `remove_account`); its access and refresh tokens stop working at once. Every stored file (the
    videos' uploads and everything processing made of them, the avatar pictures) is deleted after
    the commit (and retried later if storage fails).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        password_check: PasswordCheck,
        cleanup: StorageCleanup,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._password_check = password_check
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: DeleteAccountCommand) -> None:
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
        if user is None:
            raise InvalidToken()
        await self._password_check.require(user, command.password)
        async with self._uow() as uow:
            stored = await uow.videos.storage_of_owner(command.user_id)
            queued = [PendingDeletion(key, upload_id) for key, upload_id in stored]
            queued += [folder_of(key) for key, _ in stored]  # posters, renditions, HLS, MP4
            queued.append(PendingDeletion(user_prefix(command.user_id)))  # avatar pictures
            await uow.deletions.enqueue(queued, self._clock.now())
            await remove_account(uow, command.user_id)
            await uow.commit()
        await self._cleanup.attempt(queued)


async def remove_account(uow: UnitOfWork, user_id: UUID) -> None:
    """Delete an account and everything it owns in `uow`, keeping every counter that remains
    equal to the rows it counts.

    Every other account, video and comment loses what this account contributed to it: the
    reverse of `FollowUser`, `LikeVideo`, `LikeComment` and `CreateComment` (engagement points
    are never taken back, as with an unlike):

    - each account it follows loses a follower; each account following it, one it follows;
    - each video of someone else it likes loses a like, and that video's owner a received like;
    - each comment it likes loses a like;
    - each video of someone else it commented on loses the comments that go with theirs (a
      top-level comment takes its replies along, whoever wrote them);
    - each comment of someone else it replied to loses those replies.

    Its own videos and comments, and everything on them, go with it. Writes in flight that refer
    to the account are waited for first, so that they are counted. Each step is one set-wise
    change, whatever the account owns; an unknown account changes nothing.
    """
    await uow.users.lock_for_deletion(user_id)
    await uow.users.add_to_counters_of_followed(user_id, followers=-1)
    await uow.users.add_to_counters_of_followers(user_id, following=-1)
    await uow.videos.add_to_counters_of_liked(user_id, likes=-1)
    await uow.users.add_to_counters_of_liked_owners(user_id, likes=-1)
    await uow.comments.add_to_counters_of_liked(user_id, likes=-1)
    await uow.videos.add_to_counters_of_commented(user_id, comments=-1)
    await uow.comments.add_to_counters_of_replied(user_id, replies=-1)
    await uow.users.delete(user_id)
