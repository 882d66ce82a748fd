"""Reports, cases and the audit log (`ReportRepository`, `AuditLog`, `ModerationQueries`) on every
adapter: memory, SQLite and PostgreSQL answer the same. The SQL-only checks at the end show the
audit log refusing UPDATE and DELETE, and the queue's statements reading their indexes."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, event, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.moderation import MemoryModerationQueries
from adapters.memory.store import MemoryDatabase
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.moderation_queries import SqlModerationQueries
from adapters.sqlalchemy.tables import audit_log as audit_log_table
from application.ports.moderation_queries import ModerationQueries
from domain.moderation import (
    AuditEntry,
    Case,
    Report,
    ReportReason,
    ReportStatus,
    TargetType,
)
from tests.integration.contracts.test_social_repository_contract import (
    WALK_LIMITS,
    Social,
    _engine_on_empty_tables,
    add,
    at,
    comment,
    make_user,
    make_video,
    sql_social,
    walk,
)
from tests.integration.contracts.test_social_repository_contract import (
    memory_social as _memory_social,
)


@dataclasses.dataclass(frozen=True)
class Moderation:
    social: Social
    queries: ModerationQueries


@pytest.fixture
async def moderation(storage_url: str | None) -> AsyncIterator[Moderation]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Moderation(
            _memory_social(store), MemoryModerationQueries(store, MemoryVideoQueries(store))
        )
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield Moderation(sql_social(engine, reader), SqlModerationQueries(engine, reader))
    finally:
        await reader.close()
        await engine.dispose()


def make_report(
    reporter: UUID,
    target: UUID,
    seconds: float = 0,
    reason: ReportReason = ReportReason.SPAM,
    kind: TargetType = TargetType.VIDEO,
) -> Report:
    return Report(
        id=uuid4(),
        reporter_id=reporter,
        target_type=kind,
        target_id=target,
        reason=reason,
        details=None,
        created_at=at(seconds),
    )


async def file_report(moderation: Moderation, report: Report) -> bool:
    """As the use case does: the report, then its count in the case."""
    async with moderation.social.uow() as uow:
        added = await uow.reports.add(report)
        if added:
            await uow.reports.count_in_case(
                report.target_type, report.target_id, report.reason, report.created_at
            )
        await uow.commit()
    return added


async def resolve(moderation: Moderation, kind: TargetType, target: UUID, seconds: float) -> int:
    async with moderation.social.uow() as uow:
        resolved = await uow.reports.resolve(kind, target, at(seconds))
        await uow.commit()
    return resolved


async def case_of(moderation: Moderation, kind: TargetType, target: UUID) -> Case | None:
    async with moderation.social.uow() as uow:
        return await uow.reports.case(kind, target)


async def test_one_open_report_per_reporter_and_target(moderation: Moderation) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    await add(moderation.social, ana, bob)
    target = uuid4()
    first = make_report(ana.id, target, 0)
    assert await file_report(moderation, first) is True
    assert await file_report(moderation, make_report(ana.id, target, 1)) is False
    assert await file_report(moderation, make_report(bob.id, target, 2)) is True
    async with moderation.social.uow() as uow:
        assert await uow.reports.open_report(ana.id, TargetType.VIDEO, target) == first
        assert await uow.reports.open_report(ana.id, TargetType.COMMENT, target) is None
        assert await uow.reports.open_reporters(TargetType.VIDEO, target) == 2
        assert await uow.reports.report_times(ana.id, at(-1)) == [at(0)]
        assert await uow.reports.report_times(ana.id, at(0)) == []
    assert await resolve(moderation, TargetType.VIDEO, target, 5) == 2
    async with moderation.social.uow() as uow:
        assert await uow.reports.open_report(ana.id, TargetType.VIDEO, target) is None
        assert await uow.reports.open_reporters(TargetType.VIDEO, target) == 0
    # Once resolved, the same reporter may report again.
    assert await file_report(moderation, make_report(ana.id, target, 6)) is True


async def test_a_case_counts_its_reports_and_reasons_and_reopens_fresh(
    moderation: Moderation,
) -> None:
    users = [make_user(f"user{i}") for i in range(3)]
    await add(moderation.social, *users)
    target = uuid4()
    reasons = [ReportReason.SPAM, ReportReason.HATE, ReportReason.SPAM]
    for i, (user, reason) in enumerate(zip(users, reasons, strict=True)):
        await file_report(moderation, make_report(user.id, target, i, reason))
    case = await case_of(moderation, TargetType.VIDEO, target)
    assert case == Case(
        target_type=TargetType.VIDEO,
        target_id=target,
        status=ReportStatus.OPEN,
        report_count=3,
        reasons={ReportReason.SPAM: 2, ReportReason.HATE: 1},
        first_reported_at=at(0),
        last_reported_at=at(2),
    )
    await resolve(moderation, TargetType.VIDEO, target, 10)
    closed = await case_of(moderation, TargetType.VIDEO, target)
    assert closed is not None
    assert (closed.status, closed.resolved_at, closed.report_count) == (
        ReportStatus.RESOLVED,
        at(10),
        3,
    )
    assert closed.reasons == {ReportReason.SPAM: 2, ReportReason.HATE: 1}
    await file_report(moderation, make_report(users[0].id, target, 20, ReportReason.OTHER))
    reopened = await case_of(moderation, TargetType.VIDEO, target)
    assert reopened is not None
    assert (reopened.status, reopened.report_count, reopened.first_reported_at) == (
        ReportStatus.OPEN,
        1,
        at(20),
    )
    assert reopened.reasons == {ReportReason.OTHER: 1}
    assert await case_of(moderation, TargetType.COMMENT, target) is None


async def test_open_cases_are_most_reported_first_and_keyset_walks_see_each_once(
    moderation: Moderation,
) -> None:
    users = [make_user(f"user{i}") for i in range(4)]
    await add(moderation.social, *users)
    counts = [1, 3, 2, 1, 3, 1]  # ties: the most recently reported first, then the id
    targets = [uuid4() for _ in counts]
    second = 0
    for target, count in zip(targets, counts, strict=True):
        for user in users[:count]:
            second += 1
            await file_report(moderation, make_report(user.id, target, second))
    resolved_target = uuid4()
    await file_report(moderation, make_report(users[0].id, resolved_target, 100))
    await resolve(moderation, TargetType.VIDEO, resolved_target, 200)

    everything = await moderation.queries.open_cases(after=None, limit=100)

    def key(case: Case) -> tuple[int, datetime, UUID]:
        return (case.report_count, case.last_reported_at, case.target_id)

    assert [c.target_id for c in everything] != []
    assert [key(c) for c in everything] == sorted((key(c) for c in everything), reverse=True)
    assert {c.target_id for c in everything} == set(targets)
    assert all(sum(c.reasons.values()) == c.report_count for c in everything)
    for limit in WALK_LIMITS:
        walked = await walk(
            lambda after, limit: moderation.queries.open_cases(after=after, limit=limit),
            key,
            limit,
        )
        assert [c.target_id for c in walked] == [c.target_id for c in everything]

    resolved = await moderation.queries.resolved_cases(after=None, limit=10)
    assert [(c.target_id, c.resolved_at, c.reasons) for c in resolved] == [
        (resolved_target, at(200), {ReportReason.SPAM: 1})
    ]


async def test_the_log_is_newest_first_with_its_actors(moderation: Moderation) -> None:
    mod, gone = make_user("mod"), make_user("gone")
    await add(moderation.social, mod, gone)
    entries = [
        AuditEntry(
            id=uuid4(),
            actor_id=actor.id,
            action=action,
            target_type=TargetType.VIDEO,
            target_id=uuid4(),
            reason=f"because {i}",
            created_at=at(i // 2),  # pairs in the same instant: the id breaks the tie
        )
        for i, (actor, action) in enumerate(
            [(mod, "remove"), (gone, "dismiss"), (mod, "restore"), (mod, "set_role")]
        )
    ]
    async with moderation.social.uow() as uow:
        for entry in entries:
            await uow.audit_log.append(entry)
        await uow.users.delete(gone.id)
        await uow.commit()
    expected = sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)
    found = await moderation.queries.log(after=None, limit=10)
    assert [r.entry for r in found] == expected
    assert {r.entry.id: (r.actor.username if r.actor else None) for r in found} == {
        e.id: ("mod" if e.actor_id == mod.id else None) for e in entries
    }
    for limit in WALK_LIMITS:
        walked = await walk(
            lambda after, limit: moderation.queries.log(after=after, limit=limit),
            lambda r: (r.entry.created_at, r.entry.id),
            limit,
        )
        assert [r.entry for r in walked] == expected


async def test_the_targets_of_a_page_come_whatever_their_state(moderation: Moderation) -> None:
    ana, mod = make_user("ana"), make_user("mod")
    video = make_video(ana)
    await add(moderation.social, ana, mod, video)
    said = await comment(moderation.social, ana, video, 1)
    async with moderation.social.uow() as uow:
        await uow.users.set_suspended(ana.id, at(5))
        await uow.commit()
    videos = await moderation.queries.videos({video.id, uuid4()}, mod.id)
    comments = await moderation.queries.comments({said.id, uuid4()}, mod.id)
    users = await moderation.queries.users({ana.id, uuid4()})
    assert list(videos) == [video.id]
    assert videos[video.id].author.id == ana.id
    assert list(comments) == [said.id]
    assert comments[said.id].author.suspended_at == at(5)
    assert list(users) == [ana.id]
    assert await moderation.queries.videos(set(), mod.id) == {}


# --- SQL only -------------------------------------------------------------------------------------


async def test_the_database_refuses_to_change_or_delete_audit_entries(
    sql_engine: AsyncEngine,
) -> None:
    entry_id = uuid4()
    async with sql_engine.begin() as connection:
        await connection.execute(
            audit_log_table.insert().values(
                id=entry_id,
                actor_id=uuid4(),
                action="remove",
                target_type="video",
                target_id=uuid4(),
                reason=None,
                created_at=at(0),
            )
        )
    for statement in (
        update(audit_log_table).values(reason="rewritten"),
        delete(audit_log_table),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with sql_engine.begin() as connection:
                await connection.execute(statement)
    async with sql_engine.connect() as connection:
        rows = list(await connection.execute(audit_log_table.select()))
    assert [(row.id, row.reason) for row in rows] == [(entry_id, None)]


@pytest.mark.postgres
async def test_postgres_the_queue_and_the_log_read_their_indexes_in_one_statement(
    postgres_engine: AsyncEngine,
) -> None:
    moderation = Moderation(sql_social(postgres_engine), SqlModerationQueries(postgres_engine))
    users = [make_user(f"user{i}") for i in range(3)]
    await add(moderation.social, *users)
    for i in range(30):
        target = uuid4()
        for user in users[: 1 + i % 3]:
            await file_report(moderation, make_report(user.id, target, i))
        if i % 2:
            await resolve(moderation, TargetType.VIDEO, target, 100 + i)
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    calls: dict[str, Any] = {
        "open": lambda: moderation.queries.open_cases(after=None, limit=10),
        "resolved": lambda: moderation.queries.resolved_cases(after=None, limit=10),
        "log": lambda: moderation.queries.log(after=None, limit=10),
    }
    recorded: dict[str, Sequence[tuple[str, Any]]] = {}
    event.listen(postgres_engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, call in calls.items():
            statements.clear()
            await call()
            recorded[name] = list(statements)
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", record)
    assert len(recorded["open"]) == 2  # the page, and the reasons of all its cases
    assert len(recorded["resolved"]) == 2
    async with postgres_engine.connect() as connection:
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        await connection.execute(text("SET LOCAL enable_bitmapscan = off"))
        plans = {}
        for name, found in recorded.items():
            statement, parameters = found[0]
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans[name] = "\n".join(row[0] for row in rows)
    assert "ix_moderation_cases_open_queue" in plans["open"], plans["open"]
    assert "ix_moderation_cases_resolved" in plans["resolved"], plans["resolved"]
    for plan in plans.values():
        assert "Sort" not in plan, plan
