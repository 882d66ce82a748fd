"""Capture every SQL round trip that each benchmarked Clipstream endpoint makes per request.

    .venv/bin/python bench/capture_sql.py [--db clipstream_bench] [--check]

Runs the application in-process with the benchmark's settings (production, PostgreSQL) against
the seeded benchmark database, sends each endpoint's sample request twice (the first warms the
pools, so the second sees what a steady-state request sees) and records, for the second, what
psycopg sends, hooked at psycopg's own cursor and connection classes (so it sees SQLAlchemy's
statements and any raw psycopg ones alike): connection checkouts (SQLAlchemy's pool and
psycopg_pool), SQLAlchemy's pre-ping (an empty statement, ";"), the implicit BEGIN, each
statement with the app's `%(name)s` parameters (psycopg accepts them as they are), and
COMMIT/ROLLBACK. Prints them per endpoint, writes them to bench/.runs/captured-sql.json and,
with `--check`, compares the data statements with those bench/ceiling.py executes (exit 1 if
they differ). The ceiling compiles the app's own statements (one builder per read), so their
texts agree by construction; what the check catches is an endpoint whose list of statements
changed (adjust its handler in ceiling.py then).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from benchkit.config import PASSWORD, RUNS_DIR, Target, app_environment
from benchkit.endpoints import ENDPOINTS, Request
from benchkit.inputs import pick


@dataclass(slots=True)
class Event:
    kind: str  # checkout | ping | begin | sql | commit | rollback
    text: str
    params: dict[str, str] | None = None


@dataclass(slots=True)
class Recorder:
    events: list[Event] = field(default_factory=list)
    on: bool = False

    def add(self, kind: str, text: str, params: Any = None) -> None:
        if not self.on:
            return
        shown = {k: repr(v) for k, v in params.items()} if isinstance(params, dict) else None
        self.events.append(Event(kind, text, shown))

    def take(self) -> list[Event]:
        events, self.events = self.events, []
        # The pool pings a connection just before it fires "checkout": show the checkout first.
        for i in range(len(events) - 1):
            if events[i].kind == "ping" and events[i + 1].kind == "checkout":
                events[i], events[i + 1] = events[i + 1], events[i]
        return events


RECORDER = Recorder()


def _install_hooks() -> None:
    """Wrap psycopg itself: every round trip of the app goes through its cursors and connections,
    whether SQLAlchemy drives them or the app uses psycopg (and psycopg_pool) directly."""
    from psycopg_pool import AsyncConnectionPool
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    idle = psycopg.pq.TransactionStatus.IDLE
    cursor_class, connection_class = psycopg.AsyncCursor, psycopg.AsyncConnection
    original_execute: Callable[..., Awaitable[Any]] = cursor_class.execute
    original_many: Callable[..., Awaitable[Any]] = cursor_class.executemany
    original_commit: Callable[..., Awaitable[None]] = connection_class.commit
    original_rollback: Callable[..., Awaitable[None]] = connection_class.rollback
    original_getconn: Callable[..., Awaitable[Any]] = AsyncConnectionPool.getconn

    def text_of(cursor: Any, query: Any) -> str:
        if isinstance(query, bytes):
            return query.decode()
        if isinstance(query, str):
            return query
        return str(query.as_string(cursor.connection))  # a psycopg.sql.Composable

    def begin_if_needed(cursor: Any) -> None:
        # psycopg sends BEGIN itself before the first statement outside autocommit.
        connection = cursor.connection
        if not connection.autocommit and connection.info.transaction_status == idle:
            RECORDER.add("begin", "BEGIN")

    async def execute(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        begin_if_needed(self)
        text = text_of(self, query)
        RECORDER.add("ping" if text.strip() == ";" else "sql", text, params)
        return await original_execute(self, query, params, **kwargs)

    async def execute_many(self: Any, query: Any, params_seq: Any, **kwargs: Any) -> Any:
        params_seq = list(params_seq)
        begin_if_needed(self)
        RECORDER.add("sql", f"{text_of(self, query)}  -- executemany x{len(params_seq)}")
        return await original_many(self, query, params_seq, **kwargs)

    async def commit(self: Any) -> None:
        if self.info.transaction_status != idle:  # else psycopg sends nothing
            RECORDER.add("commit", "COMMIT")
        await original_commit(self)

    async def rollback(self: Any) -> None:
        if self.info.transaction_status != idle:
            RECORDER.add("rollback", "ROLLBACK")
        await original_rollback(self)

    async def getconn(self: Any, *args: Any, **kwargs: Any) -> Any:
        RECORDER.add("checkout", "-- connection checkout (psycopg_pool)")
        return await original_getconn(self, *args, **kwargs)

    cursor_class.execute = execute  # type: ignore[method-assign]
    cursor_class.executemany = execute_many  # type: ignore[method-assign]
    connection_class.commit = commit  # type: ignore[method-assign]
    connection_class.rollback = rollback  # type: ignore[method-assign]
    AsyncConnectionPool.getconn = getconn  # type: ignore[method-assign]
    event.listen(
        Pool, "checkout", lambda *_: RECORDER.add("checkout", "-- connection checkout (SQLAlchemy)")
    )


@dataclass(slots=True)
class Captured:
    endpoint: str
    method: str
    path: str
    status: int
    events: list[Event]

    @property
    def statements(self) -> list[str]:
        return [e.text for e in self.events if e.kind == "sql"]


async def capture(target: Target) -> list[Captured]:
    import os

    from litestar.testing import AsyncTestClient

    os.environ.update(app_environment(target, public_url="http://127.0.0.1:8000"))
    from entrypoints.http.app import create_default_app

    _install_hooks()
    picks = pick(target.conninfo, users=2, ids=50)
    samples = [(endpoint, request) for endpoint in ENDPOINTS for request in endpoint.samples(picks)]
    results: list[Captured] = []
    async with AsyncTestClient(app=create_default_app()) as client:
        tokens: dict[int, str] = {}
        for index in sorted({r.token for _, r in samples if r.token is not None}):
            answer = await client.post(
                "/api/v1/auth/login",
                json={"login": picks.usernames[index], "password": PASSWORD},
            )
            answer.raise_for_status()
            tokens[index] = answer.json()["accessToken"]

        async def send(request: Request) -> int:
            headers = (
                {"Authorization": f"Bearer {tokens[request.token]}"}
                if request.token is not None
                else {}
            )
            if request.body is not None:
                headers["Content-Type"] = "application/json"
            answer = await client.request(
                request.method, request.path, headers=headers, content=request.body
            )
            return answer.status_code

        for _, request in samples:  # warm-up, in the same order (keeps PUT/DELETE alternating)
            await send(request)
        for endpoint, request in samples:
            RECORDER.on = True
            status = await send(request)
            RECORDER.on = False
            results.append(
                Captured(endpoint.name, request.method, request.path, status, RECORDER.take())
            )
    return results


def describe(results: list[Captured]) -> str:
    lines: list[str] = []
    for result in results:
        counts = {kind: sum(e.kind == kind for e in result.events) for kind in
                  ("checkout", "ping", "begin", "sql", "commit", "rollback")}  # fmt: skip
        trips = len(result.events) - counts["checkout"]
        lines.append(
            f"== {result.endpoint}: {result.method} {result.path} -> {result.status} | "
            f"{trips} round trips: {counts['sql']} statements, {counts['checkout']} checkouts, "
            f"{counts['ping']} pings, {counts['begin']} BEGIN, {counts['commit']} COMMIT, "
            f"{counts['rollback']} ROLLBACK"
        )
        for event in result.events:
            text = " ".join(event.text.split())
            lines.append(f"   {event.kind:<8} {text}")
            if event.params:
                lines.append(f"   {'':<8} params: {event.params}")
    return "\n".join(lines)


def check(results: list[Captured]) -> list[str]:
    """Differences between the captured data statements and the ceiling's."""
    from ceiling import STATEMENTS

    def normal(statements: list[str]) -> list[str]:
        return [" ".join(s.split()) for s in statements]

    problems: list[str] = []
    for result in results:
        key = f"{result.endpoint}:{result.method}"
        if key not in STATEMENTS:
            continue  # the write endpoints have no ceiling
        if normal(result.statements) != normal(list(STATEMENTS[key])):
            problems.append(f"{key}: bench/ceiling.py differs from what the app issues now")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="clipstream_bench")
    parser.add_argument("--storage", type=Path, default=Path("/tmp/bench-media"))  # noqa: S108
    parser.add_argument("--json", type=Path, default=RUNS_DIR / "captured-sql.json")
    parser.add_argument("--check", action="store_true", help="compare with bench/ceiling.py")
    parser.add_argument("--quiet", action="store_true", help="print only the check's result")
    args = parser.parse_args(argv)
    target = Target(args.postgres, args.db, args.storage)
    results = asyncio.run(capture(target))
    failed = [r for r in results if not 200 <= r.status < 300]
    for result in failed:
        print(f"FAILED {result.method} {result.path} -> {result.status}", file=sys.stderr)
    if failed:
        print("the app answered errors: nothing compared or written", file=sys.stderr)
        return 2
    if not args.quiet:
        print(describe(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    if args.check:
        problems = check(results)
        for problem in problems:
            print(f"MISMATCH {problem}", file=sys.stderr)
        if problems:
            return 1
        print("ceiling SQL matches the app's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
