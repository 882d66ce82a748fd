"""Read-side account and session lookups over the in-memory state."""

from __future__ import annotations

from uuid import UUID

from adapters.memory.blocks import relation
from adapters.memory.store import MemoryDatabase
from application.ports.account_queries import AccountQueries, AccountView, Caller
from domain.sessions import Session
from domain.users import User


class MemoryAccountQueries(AccountQueries):
    """Reads committed state only (under the store's lock, like the other memory queries)."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def session(self, session_id: UUID) -> Session | None:
        async with self._store.lock:
            return self._store.state.sessions.get(session_id)

    async def user(self, user_id: UUID) -> User | None:
        async with self._store.lock:
            return self._store.state.users.get(user_id)

    async def user_by_username(self, username: str) -> User | None:
        async with self._store.lock:
            users = self._store.state.users.values()
            return next((user for user in users if user.username == username), None)

    async def account(
        self, user_id: UUID | None, username: str | None, viewer_id: UUID | None
    ) -> AccountView | None:
        async with self._store.lock:
            state = self._store.state
            if user_id is not None:
                user = state.users.get(user_id)
            else:
                user = next((u for u in state.users.values() if u.username == username), None)
            if user is None:
                return None
            return AccountView(user=user, block=relation(state, viewer_id, user.id))

    async def caller(self, session_id: UUID) -> Caller | None:
        async with self._store.lock:
            state = self._store.state
            session = state.sessions.get(session_id)
            user = state.users.get(session.user_id) if session is not None else None
            if session is None or user is None:
                return None
            return Caller(session=session, role=user.role)
