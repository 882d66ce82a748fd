"""Act on a reported (or any) video, comment or account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.common.visibility import Viewer
from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator
from application.ports.moderation_queries import ModerationQueries
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.safety.cases import CaseView, case_views
from domain.errors import Forbidden, NotFound, ValidationFailed
from domain.moderation import (
    AuditEntry,
    Case,
    ModerationAction,
    ModerationState,
    ReportStatus,
    TargetType,
    parse_moderation_reason,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModerateCommand:
    actor: Viewer
    target_type: TargetType
    target_id: UUID
    action: ModerationAction
    reason: str | None = None


class Moderate:
    """A moderator's action on a target (moderators and admins only: 403 otherwise; a missing
    target is 404; an action that does not apply to the target's kind is 422):

    - `dismiss` (any target): resolves its open reports; a video or comment hidden pending
      review becomes visible again (a removed one stays removed).
    - `remove` (video, comment): hidden from everyone but its author (who sees
      `moderation: {state: removed, reason}`) and moderators; resolves its reports.
    - `restore` (video, comment): visible again.
    - `suspend` (account; not yourself): logins and refreshes are refused, every session is
      revoked (earlier access tokens stop working at once), the profile and content are hidden
      from everyone but moderators; resolves its reports.
    - `unsuspend` (account): undoes it (sessions stay revoked: the user logs in again).

    Every action is appended to the audit log (who, what, which target, why, when) in the same
    transaction. Answers the target's case (a closed one with no reports if it had none).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        queries: ModerationQueries,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._queries = queries

    async def execute(self, command: ModerateCommand) -> CaseView:
        actor_id = command.actor.user_id
        if actor_id is None or not command.actor.moderator:
            raise Forbidden("Only moderators may do this.")
        if not command.action.applies_to(command.target_type):
            raise ValidationFailed.single(
                "action", f"{command.action} does not apply to a {command.target_type}"
            )
        reason = parse_moderation_reason(command.reason)
        now = self._clock.now()
        target_type, target_id, action = command.target_type, command.target_id, command.action
        async with self._uow() as uow:
            await _apply(uow, command, actor_id, reason, now)
            if action.resolves_reports:
                await uow.reports.resolve(target_type, target_id, now)
            await uow.audit_log.append(
                AuditEntry(
                    id=self._ids.new_id(),
                    actor_id=actor_id,
                    action=action.value,
                    target_type=target_type,
                    target_id=target_id,
                    reason=reason,
                    created_at=now,
                )
            )
            case = await uow.reports.case(target_type, target_id)
            await uow.commit()
        case = case or Case(
            target_type=target_type,
            target_id=target_id,
            status=ReportStatus.RESOLVED,
            report_count=0,
            reasons={},
            first_reported_at=now,
            last_reported_at=now,
            resolved_at=now,
        )
        (view,) = await case_views(self._queries, [case], command.actor)
        return view


async def _apply(
    uow: UnitOfWork, command: ModerateCommand, actor_id: UUID, reason: str | None, now: datetime
) -> None:
    if command.target_type is TargetType.USER:
        await _apply_to_user(uow, command, actor_id, now)
    else:
        await _apply_to_content(uow, command, reason)


async def _apply_to_user(
    uow: UnitOfWork, command: ModerateCommand, actor_id: UUID, now: datetime
) -> None:
    action, target_id = command.action, command.target_id
    user = await uow.users.get(target_id)
    if user is None:
        raise NotFound("No such user.")
    if action is ModerationAction.SUSPEND:
        if user.id == actor_id:
            raise ValidationFailed.single("targetId", "you cannot suspend yourself")
        if not user.is_suspended:
            await uow.users.set_suspended(user.id, now)
        # The logout-all mechanism: refresh tokens and earlier access tokens stop working.
        await uow.sessions.revoke_all_for_user(user.id, now)
    elif action is ModerationAction.UNSUSPEND:
        await uow.users.set_suspended(user.id, None)


async def _apply_to_content(uow: UnitOfWork, command: ModerateCommand, reason: str | None) -> None:
    action, target_id = command.action, command.target_id
    if command.target_type is TargetType.VIDEO:
        video = await uow.videos.get(target_id)
        if video is None:
            raise NotFound("No such video.")
        state = video.moderation_state
    else:
        comment = await uow.comments.get(target_id)
        if comment is None:
            raise NotFound("No such comment.")
        state = comment.moderation_state
    new_state: tuple[ModerationState, str | None] | None = None
    if action is ModerationAction.REMOVE:
        new_state = (ModerationState.REMOVED, reason)
    elif action is ModerationAction.RESTORE or (
        action is ModerationAction.DISMISS and state is ModerationState.PENDING_REVIEW
    ):
        new_state = (ModerationState.VISIBLE, None)
    if new_state is None:
        return
    if command.target_type is TargetType.VIDEO:
        await uow.videos.set_moderation(target_id, *new_state)
    else:
        await uow.comments.set_moderation(target_id, *new_state)
