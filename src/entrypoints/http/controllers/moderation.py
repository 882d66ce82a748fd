"""Routes of reports and moderation: POST /reports, /moderation/*, PUT /admin/users/{id}/role."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from litestar import Response, get, post, put
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter, SkipValidation

from application.auth.results import Principal
from application.safety.audit import ReadAuditLog, ReadLogQuery
from application.safety.cases import CaseKey, ListCases, ListCasesQuery
from application.safety.moderate import Moderate, ModerateCommand
from application.safety.report import ReportCommand, ReportContent
from application.safety.set_role import SetRole, SetRoleCommand
from application.users.profile import Profile
from domain.moderation import ModerationAction, ReportReason, ReportStatus, Role, TargetType
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit, audience
from entrypoints.http.schemas.moderation import (
    ActionIn,
    CaseOut,
    CasePageOut,
    LogPageOut,
    ReportIn,
    ReportOut,
    RoleIn,
    case_out,
    log_entry_out,
    report_out,
)
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.users import UserOut, user_out
from entrypoints.http.security import ADMIN_SECURITY, MODERATOR_SECURITY, SECURITY

CaseStatus = Annotated[
    Literal["open", "resolved"],
    QueryParameter(
        description="`open` (default): most reported first; `resolved`: most recently "
        "resolved first."
    ),
]


class ReportsController(ApiController):
    """Reporting videos, comments and accounts."""

    path = "/reports"
    tags = ["safety"]

    @post(
        "/",
        operation_id="report",
        summary="Report a video, comment or account",
        description=described_by(ReportContent),
        security=SECURITY,
        responses={
            **problems(401, 404, 429, json_body=True),
            200: ResponseSpec(
                data_container=ReportOut,
                description="Your open report on this target, unchanged (reported again).",
            ),
        },
        status_code=201,
    )
    async def report(
        self,
        data: JSONBody[ReportIn],
        principal: SkipValidation[Principal],
        report_content: SkipValidation[ReportContent],
    ) -> Response[ReportOut]:
        reported = await report_content.execute(
            ReportCommand(
                reporter=audience(principal),
                target_type=TargetType(data.target_type),
                target_id=data.target_id,
                reason=ReportReason(data.reason),
                details=data.details,
            )
        )
        return Response(report_out(reported.report), status_code=201 if reported.created else 200)


class ModerationController(ApiController):
    """The moderators' queue, actions and log (moderators and admins only)."""

    path = "/moderation"
    tags = ["safety"]

    @get(
        "/cases",
        operation_id="listCases",
        summary="The report queue",
        description=described_by(ListCases),
        security=MODERATOR_SECURITY,
        responses=problems(401, 403),
    )
    async def cases(
        self,
        principal: SkipValidation[Principal],
        list_cases: SkipValidation[ListCases],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        status: CaseStatus = "open",
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> CasePageOut:
        shape = tuple[int, datetime, UUID] if status == "open" else tuple[datetime, UUID]
        after: CaseKey | None = cursors.decode(cursor, shape) if cursor else None
        viewer = audience(principal)
        page = await list_cases.execute(
            ListCasesQuery(moderator=viewer, status=ReportStatus(status), limit=limit, after=after)
        )
        return CasePageOut(
            items=[case_out(view, base_url, viewer) for view in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )

    @post(
        "/actions",
        operation_id="moderate",
        summary="Act on a target",
        description=described_by(Moderate),
        security=MODERATOR_SECURITY,
        responses=problems(401, 403, 404, json_body=True),
        status_code=200,
    )
    async def act(
        self,
        data: JSONBody[ActionIn],
        principal: SkipValidation[Principal],
        moderate: SkipValidation[Moderate],
        base_url: SkipValidation[str],
    ) -> CaseOut:
        viewer = audience(principal)
        view = await moderate.execute(
            ModerateCommand(
                actor=viewer,
                target_type=TargetType(data.target_type),
                target_id=data.target_id,
                action=ModerationAction(data.action),
                reason=data.reason,
            )
        )
        return case_out(view, base_url, viewer)

    @get(
        "/log",
        operation_id="moderationLog",
        summary="Every moderation action, newest first",
        description=described_by(ReadAuditLog),
        security=MODERATOR_SECURITY,
        responses=problems(401, 403),
    )
    async def log(
        self,
        principal: SkipValidation[Principal],
        read_audit_log: SkipValidation[ReadAuditLog],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> LogPageOut:
        page = await read_audit_log.execute(
            ReadLogQuery(
                moderator=audience(principal),
                limit=limit,
                after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
            )
        )
        return LogPageOut(
            items=[log_entry_out(record) for record in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )


class AdminController(ApiController):
    """Role grants (admins only)."""

    path = "/admin"
    tags = ["safety"]

    @put(
        "/users/{user_id:uuid}/role",
        operation_id="setRole",
        summary="Give an account a role",
        description=described_by(SetRole),
        security=ADMIN_SECURITY,
        responses=problems(401, 403, 404, json_body=True),
    )
    async def set_role(
        self,
        user_id: FromPath[UUID],
        data: JSONBody[RoleIn],
        principal: SkipValidation[Principal],
        set_role: SkipValidation[SetRole],
    ) -> UserOut:
        user = await set_role.execute(
            SetRoleCommand(
                actor_id=principal.user_id,
                actor_role=principal.role,
                user_id=user_id,
                role=Role(data.role),
            )
        )
        return user_out(Profile(user=user, is_following=None))
