"""SQL reports, cases and the audit log (write side), on the unit of work's connection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, distinct, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import audit_log, moderation_cases, reports
from application.ports.audit_log import AuditLog
from application.ports.report_repository import ReportRepository
from domain.moderation import (
    AuditEntry,
    Case,
    Report,
    ReportReason,
    ReportStatus,
    TargetType,
)

_OPEN = ReportStatus.OPEN.value
_RESOLVED = ReportStatus.RESOLVED.value


class SqlReportRepository(ReportRepository):
    """Reports in `reports`, one case per target in `moderation_cases`."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, report: Report) -> bool:
        # The partial unique index on open reports lets one in per reporter and target; of
        # concurrent ones, the others wait for its transaction and then do nothing.
        statement = (
            insert_ignoring_conflicts(self._connection.dialect.name, reports)
            .values(
                id=report.id,
                reporter_id=report.reporter_id,
                target_type=report.target_type.value,
                target_id=report.target_id,
                reason=report.reason.value,
                details=report.details,
                status=report.status.value,
                created_at=report.created_at,
                resolved_at=report.resolved_at,
            )
            .returning(reports.c.id)
        )
        return bool(list(await self._connection.execute(statement)))

    async def open_report(
        self, reporter_id: UUID, target_type: TargetType, target_id: UUID
    ) -> Report | None:
        row = (
            await self._connection.execute(
                select(reports).where(
                    reports.c.reporter_id == reporter_id,
                    reports.c.target_type == target_type.value,
                    reports.c.target_id == target_id,
                    reports.c.status == _OPEN,
                )
            )
        ).first()
        return None if row is None else report_from_row(row)

    async def report_times(self, reporter_id: UUID, since: datetime) -> Sequence[datetime]:
        rows = await self._connection.execute(
            select(reports.c.created_at)
            .where(reports.c.reporter_id == reporter_id, reports.c.created_at > since)
            .order_by(reports.c.created_at)
        )
        return [row.created_at for row in rows]

    async def open_reporters(self, target_type: TargetType, target_id: UUID) -> int:
        found = await self._connection.scalar(
            select(func.count(distinct(reports.c.reporter_id))).where(
                *_of_target(target_type, target_id), reports.c.status == _OPEN
            )
        )
        return int(found or 0)

    async def count_in_case(
        self, target_type: TargetType, target_id: UUID, reason: ReportReason, now: datetime
    ) -> None:
        key = _case_key(target_type, target_id)
        current = (
            await self._connection.execute(
                select(moderation_cases.c.status).where(*key).with_for_update()
            )
        ).first()
        if current is None:
            await self._connection.execute(
                insert_ignoring_conflicts(self._connection.dialect.name, moderation_cases).values(
                    target_type=target_type.value,
                    target_id=target_id,
                    status=_OPEN,
                    report_count=0,
                    first_reported_at=now,
                    last_reported_at=now,
                )
            )
        elif current.status == _RESOLVED:
            await self._connection.execute(
                update(moderation_cases)
                .where(*key)
                .values(
                    status=_OPEN,
                    report_count=0,
                    first_reported_at=now,
                    last_reported_at=now,
                    resolved_at=None,
                )
            )
        await self._connection.execute(
            update(moderation_cases)
            .where(*key)
            .values(
                report_count=moderation_cases.c.report_count + 1,
                last_reported_at=now,
            )
        )

    async def resolve(self, target_type: TargetType, target_id: UUID, now: datetime) -> int:
        result = await self._connection.execute(
            update(reports)
            .where(*_of_target(target_type, target_id), reports.c.status == _OPEN)
            .values(status=_RESOLVED, resolved_at=now)
            .returning(reports.c.id)
        )
        resolved = len(list(result))
        await self._connection.execute(
            update(moderation_cases)
            .where(*_case_key(target_type, target_id), moderation_cases.c.status == _OPEN)
            .values(status=_RESOLVED, resolved_at=now)
        )
        return resolved

    async def case(self, target_type: TargetType, target_id: UUID) -> Case | None:
        row = (
            await self._connection.execute(
                select(moderation_cases).where(*_case_key(target_type, target_id))
            )
        ).first()
        if row is None:
            return None
        reasons = await self._connection.execute(
            select(reports.c.reason, func.count())
            .where(*_of_target(target_type, target_id), *reports_of_case(row))
            .group_by(reports.c.reason)
        )
        return case_from_row(row, {ReportReason(r): int(n) for r, n in reasons})


class SqlAuditLog(AuditLog):
    """Entries in `audit_log`; this adapter has no way to change or delete one."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def append(self, entry: AuditEntry) -> None:
        await self._connection.execute(
            insert(audit_log).values(
                id=entry.id,
                actor_id=entry.actor_id,
                action=entry.action,
                target_type=entry.target_type.value,
                target_id=entry.target_id,
                reason=entry.reason,
                created_at=entry.created_at,
            )
        )


def _of_target(target_type: TargetType, target_id: UUID) -> tuple[Any, ...]:
    return (reports.c.target_type == target_type.value, reports.c.target_id == target_id)


def _case_key(target_type: TargetType, target_id: UUID) -> tuple[Any, ...]:
    return (
        moderation_cases.c.target_type == target_type.value,
        moderation_cases.c.target_id == target_id,
    )


def reports_of_case(case_row: Row[Any]) -> tuple[Any, ...]:
    """The conditions on `reports` of a case's reports: the open ones of an open case, those
    its closing resolved of a resolved one."""
    if case_row.status == _OPEN:
        return (reports.c.status == _OPEN,)
    return (reports.c.status == _RESOLVED, reports.c.resolved_at == case_row.resolved_at)


def report_from_row(row: Row[Any]) -> Report:
    return Report(
        id=row.id,
        reporter_id=row.reporter_id,
        target_type=TargetType(row.target_type),
        target_id=row.target_id,
        reason=ReportReason(row.reason),
        details=row.details,
        created_at=row.created_at,
        status=ReportStatus(row.status),
        resolved_at=row.resolved_at,
    )


def case_from_row(row: Row[Any], reasons: dict[ReportReason, int]) -> Case:
    return Case(
        target_type=TargetType(row.target_type),
        target_id=row.target_id,
        status=ReportStatus(row.status),
        report_count=row.report_count,
        reasons=reasons,
        first_reported_at=row.first_reported_at,
        last_reported_at=row.last_reported_at,
        resolved_at=row.resolved_at,
    )


def audit_entry_from_row(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        actor_id=row.actor_id,
        action=row.action,
        target_type=TargetType(row.target_type),
        target_id=row.target_id,
        reason=row.reason,
        created_at=row.created_at,
    )
