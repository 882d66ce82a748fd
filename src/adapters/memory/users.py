"""In-memory user repository."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.blocks import relation
from adapters.memory.cascades import delete_user_cascade
from adapters.memory.store import MemoryState
from application.common.visibility import account_is_listed
from application.ports.user_repository import UserRepository
from domain.errors import EmailTaken, UsernameTaken
from domain.moderation import Role
from domain.users import User


class MemoryUserRepository(UserRepository):
    """Users in a dict, with the same uniqueness rules as the SQL schema."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, user: User) -> None:
        self._check_unique(user)
        self._state.users[user.id] = user

    async def update(self, user: User) -> None:
        stored = self._state.users.get(user.id)
        if stored is not None:
            self._check_unique(user)
            # Counters change only through add_to_counters: a stale copy must not overwrite them.
            self._state.users[user.id] = dataclasses.replace(
                user,
                follower_count=stored.follower_count,
                following_count=stored.following_count,
                video_count=stored.video_count,
                like_count=stored.like_count,
                role=stored.role,
                suspended_at=stored.suspended_at,
            )

    async def delete(self, user_id: UUID) -> None:
        delete_user_cascade(self._state, user_id)

    async def lock_for_deletion(self, user_id: UUID) -> None:
        """Nothing to do: a unit of work holds the store's lock, nothing else is in flight."""

    async def add_to_counters_of_followed(self, follower_id: UUID, *, followers: int) -> None:
        for follower, followee in list(self._state.follows):
            if follower == follower_id:
                await self.add_to_counters(followee, followers=followers)

    async def add_to_counters_of_followers(self, followee_id: UUID, *, following: int) -> None:
        for follower, followee in list(self._state.follows):
            if followee == followee_id:
                await self.add_to_counters(follower, following=following)

    async def add_to_counters_of_liked_owners(self, liker_id: UUID, *, likes: int) -> None:
        for user_id, video_id in list(self._state.video_likes):
            video = self._state.videos.get(video_id)
            if user_id == liker_id and video is not None and video.owner_id != liker_id:
                await self.add_to_counters(video.owner_id, likes=likes)

    async def add_to_counters(
        self,
        user_id: UUID,
        *,
        followers: int = 0,
        following: int = 0,
        videos: int = 0,
        likes: int = 0,
    ) -> None:
        user = self._state.users.get(user_id)
        if user is not None:
            self._state.users[user_id] = dataclasses.replace(
                user,
                follower_count=user.follower_count + followers,
                following_count=user.following_count + following,
                video_count=user.video_count + videos,
                like_count=user.like_count + likes,
            )

    async def get(self, user_id: UUID) -> User | None:
        return self._state.users.get(user_id)

    async def get_by_username(self, username: str) -> User | None:
        return next((u for u in self._state.users.values() if u.username == username), None)

    async def get_by_login(self, login: str) -> User | None:
        return next((u for u in self._state.users.values() if login in (u.username, u.email)), None)

    async def search_by_username_prefix(
        self, prefix: str, *, viewer_id: UUID | None, after: str | None, limit: int
    ) -> Sequence[User]:
        matches = sorted(
            (
                u
                for u in self._state.users.values()
                if u.username.startswith(prefix)
                and (after is None or u.username > after)
                and account_is_listed(viewer_id, u, relation(self._state, viewer_id, u.id))
            ),
            key=lambda u: u.username,
        )
        return matches[:limit]

    async def set_role(self, user_id: UUID, role: Role) -> None:
        user = self._state.users.get(user_id)
        if user is not None:
            self._state.users[user_id] = dataclasses.replace(user, role=role)

    async def set_suspended(self, user_id: UUID, suspended_at: datetime | None) -> None:
        user = self._state.users.get(user_id)
        if user is not None:
            self._state.users[user_id] = dataclasses.replace(user, suspended_at=suspended_at)

    def _check_unique(self, user: User) -> None:
        for other in self._state.users.values():
            if other.id == user.id:
                continue
            if other.username == user.username:
                raise UsernameTaken()
            if other.email == user.email:
                raise EmailTaken()
