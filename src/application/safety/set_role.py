"""Grant roles: admins through the API, operators through the command line."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Forbidden, NotFound, ValidationFailed
from domain.moderation import AuditEntry, Role, TargetType
from domain.users import User
from domain.values import could_be_username, normalize_username

SET_ROLE = "set_role"
"""The audit log's action of a role grant (its reason names the new role)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SetRoleCommand:
    actor_id: UUID
    actor_role: Role
    user_id: UUID
    role: Role


class SetRole:
    """An admin gives an account a role (`user`, `moderator`, `admin`): admins only (403); a
    missing account is 404; an admin cannot demote themself (422: an operator can, with the
    command line). The role is read from the database on every request, so it applies at the
    next one. The grant is appended to the audit log."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def execute(self, command: SetRoleCommand) -> User:
        if command.actor_role is not Role.ADMIN:
            raise Forbidden("Only admins may grant roles.")
        if command.user_id == command.actor_id and command.role is not Role.ADMIN:
            raise ValidationFailed.single("role", "an admin cannot demote themself")
        now = self._clock.now()
        async with self._uow() as uow:
            if await uow.users.get(command.user_id) is None:
                raise NotFound("No such user.")
            await uow.users.set_role(command.user_id, command.role)
            await uow.audit_log.append(
                AuditEntry(
                    id=self._ids.new_id(),
                    actor_id=command.actor_id,
                    action=SET_ROLE,
                    target_type=TargetType.USER,
                    target_id=command.user_id,
                    reason=f"role: {command.role.value}",
                    created_at=now,
                )
            )
            user = await uow.users.get(command.user_id)
            await uow.commit()
        assert user is not None
        return user


class SetRoleByUsername:
    """The operator's way (`clipstream users set-role USERNAME ROLE`), which is also how the
    first admin is made: no actor, so nothing is appended to the audit log (the command is the
    operator's own record)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, username: str, role: Role) -> User:
        name = normalize_username(username)
        async with self._uow() as uow:
            user = await uow.users.get_by_username(name) if could_be_username(name) else None
            if user is None:
                raise NotFound(f"No user is named {name!r}.")
            await uow.users.set_role(user.id, role)
            updated = await uow.users.get(user.id)
            await uow.commit()
        assert updated is not None
        return updated
