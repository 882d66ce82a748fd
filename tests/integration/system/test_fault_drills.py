"""Fault drill: the database goes away under load and comes back, on the real server process.

While workers register, comment, like, follow, create videos and read, the drill cuts the test's
database in two ways: first a storm of `pg_terminate_backend` on every connection of the database
(connections die mid-statement, mid-transaction and mid-COMMIT; new ones succeed until killed),
then the database refuses connections altogether (`ALLOW_CONNECTIONS false`, the effect of a server
that is down) while its connections keep being terminated. Other databases on the server are not
touched, so the drill can share a PostgreSQL server with other tests.

Asserted: every request completes within a bound (no hang) with a 2xx or a 503 problem-details
response (never a 500); `/health/ready` names the database while it refuses connections; requests
that start after the database is back all succeed, without restarting the server; every write the
server acknowledged with a 2xx is in the database, and the stored counters equal the rows they count.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import running_server
from tests.support.clips import tiny_clip

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PASSWORD = "correct horse battery"
REQUEST_BOUND_SECONDS = 10.0  # no request may take longer, outage or not
WORKERS = 6
WARM_UP_SECONDS = 1.0
STORM_SECONDS = 1.5
REFUSAL_SECONDS = 2.0
AFTER_RECOVERY_SECONDS = 1.5
RECOVERY_DEADLINE_SECONDS = 15.0


@dataclass(frozen=True)
class Outcome:
    """One request as the client saw it."""

    method: str
    path: str
    started: float
    elapsed: float
    status: int | None  # None: no response (transport error or client timeout)
    content_type: str = ""
    retry_after: str = ""
    body: str = ""
    error: str = ""


@dataclass
class Acknowledged:
    """Writes the server answered with a 2xx: each must be in the database afterwards."""

    users: set[str] = field(default_factory=set)
    videos: set[str] = field(default_factory=set)
    comments: set[str] = field(default_factory=set)
    video_likes: set[tuple[str, str]] = field(default_factory=set)
    comment_likes: set[tuple[str, str]] = field(default_factory=set)
    follows: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Account:
    id: str
    auth: dict[str, str]


class Drill:
    """The load: records every outcome and every acknowledged write."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.outcomes: list[Outcome] = []
        self.acked = Acknowledged()
        self.stop = asyncio.Event()
        self._names = itertools.count()

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.outcomes.append(
                Outcome(method, path, started, time.monotonic() - started, None, error=repr(error))
            )
            return None
        self.outcomes.append(
            Outcome(
                method,
                path,
                started,
                time.monotonic() - started,
                response.status_code,
                response.headers.get("content-type", ""),
                response.headers.get("retry-after", ""),
                response.text[:300],
            )
        )
        return response

    async def register(self) -> Account | None:
        name = f"u{next(self._names)}_{uuid.uuid4().hex[:8]}"
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        response = await self.call("POST", "/api/v1/auth/register", json=body)
        if response is None or response.status_code != 201:
            return None
        tokens = response.json()
        self.acked.users.add(tokens["user"]["id"])
        return Account(tokens["user"]["id"], {"Authorization": f"Bearer {tokens['accessToken']}"})

    async def worker(self, me: Account, videos: list[str]) -> None:
        """Cycle through writes and reads until told to stop."""
        mine: list[str] = []  # my acknowledged comments
        strangers: list[str] = []  # accounts I registered and may follow
        for step in itertools.count():
            if self.stop.is_set():
                return
            video = videos[step % len(videos)]
            action = step % 9
            if action == 0:
                body = {"body": f"comment {step}"}
                if mine and step % 2:
                    body["parentId"] = mine[-1]
                created = await self.call(
                    "POST", f"/api/v1/videos/{video}/comments", json=body, headers=me.auth
                )
                if created is not None and created.status_code == 201:
                    self.acked.comments.add(created.json()["id"])
                    mine.append(created.json()["id"])
            elif action == 1 and mine:
                liked = await self.call("PUT", f"/api/v1/comments/{mine[-1]}/like", headers=me.auth)
                if liked is not None and liked.status_code == 200:
                    self.acked.comment_likes.add((me.id, mine[-1]))
            elif action == 2:
                liked = await self.call("PUT", f"/api/v1/videos/{video}/like", headers=me.auth)
                if liked is not None and liked.status_code == 200:
                    self.acked.video_likes.add((me.id, video))
            elif action == 3:
                stranger = await self.register()
                if stranger is not None:
                    strangers.append(stranger.id)
            elif action == 4 and strangers:
                followed = await self.call(
                    "PUT", f"/api/v1/users/{strangers[-1]}/follow", headers=me.auth
                )
                if followed is not None and followed.status_code == 200:
                    self.acked.follows.add((me.id, strangers[-1]))
            elif action == 5:
                created = await self.call(
                    "POST",
                    "/api/v1/videos",
                    json={"contentType": "video/mp4", "sizeBytes": 1000, "caption": f"#{step}"},
                    headers={**me.auth, "Idempotency-Key": uuid.uuid4().hex},
                )
                if created is not None and created.status_code == 201:
                    self.acked.videos.add(created.json()["video"]["id"])
            elif action == 6:
                await self.call("GET", f"/api/v1/videos/{video}/comments?limit=5", headers=me.auth)
            elif action == 7:
                await self.call("GET", f"/api/v1/videos/{video}", headers=me.auth)
            else:
                await self.call("GET", "/api/v1/feed?limit=5")


class Database:
    """Cuts and restores the connections of one database, leaving the rest of the server alone."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        assert parsed.database is not None
        self.name = parsed.database
        self.admin_conninfo = parsed.set(
            drivername="postgresql", database="postgres"
        ).render_as_string(hide_password=False)
        self.conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)

    async def terminate_backends(self) -> int:
        async with await psycopg.AsyncConnection.connect(
            self.admin_conninfo, autocommit=True
        ) as admin:
            cursor = await admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            )
            row = await cursor.fetchone()
            return int(row[0]) if row else 0

    async def backends(self) -> int:
        async with await psycopg.AsyncConnection.connect(
            self.admin_conninfo, autocommit=True
        ) as admin:
            cursor = await admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (self.name,)
            )
            row = await cursor.fetchone()
            return int(row[0]) if row else 0

    async def allow_connections(self, allowed: bool) -> None:
        async with await psycopg.AsyncConnection.connect(
            self.admin_conninfo, autocommit=True
        ) as admin:
            await admin.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                    sql.Identifier(self.name), sql.Literal(allowed)
                )
            )


async def _until(
    predicate: Callable[[], Awaitable[bool]], deadline_seconds: float, what: str
) -> float:
    """Poll `predicate` until true; returns the seconds it took, fails past the deadline."""
    started = time.monotonic()
    while not await predicate():
        if time.monotonic() - started > deadline_seconds:
            pytest.fail(f"{what}: not within {deadline_seconds} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def _setup(drill: Drill) -> tuple[list[Account], list[str]]:
    """An owner with three ready videos, and one account per worker."""
    owner = await drill.register()
    assert owner is not None
    videos = []
    for _ in range(3):
        data = tiny_clip()
        created = await drill.call(
            "POST",
            "/api/v1/videos",
            json={"contentType": "video/mp4", "sizeBytes": len(data)},
            headers=owner.auth,
        )
        assert created is not None
        assert created.status_code == 201, created.text
        body = created.json()
        drill.acked.videos.add(body["video"]["id"])
        uploaded = await drill.client.put(body["upload"]["url"], content=data)
        assert uploaded.status_code == 200, uploaded.text
        done = await drill.call(
            "POST", f"/api/v1/videos/{body['video']['id']}/complete", json={}, headers=owner.auth
        )
        assert done is not None
        assert done.json()["status"] == "processing", done.text
        videos.append(body["video"]["id"])
    for video_id in videos:  # processed by the server's own worker

        async def ready(video_id: str = video_id) -> bool:
            answer = await drill.call("GET", f"/api/v1/videos/{video_id}", headers=owner.auth)
            return answer is not None and answer.json()["status"] == "ready"

        await _until(ready, 60, "processing")
    accounts = [await drill.register() for _ in range(WORKERS)]
    assert all(accounts)
    return [a for a in accounts if a is not None], videos


def _ready_is(status: int, client: httpx.AsyncClient) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        try:
            response = await client.get("/health/ready")
        except httpx.HTTPError:
            return False
        if response.status_code != status:
            return False
        return status == 200 or response.json().get("failing") == ["database"]

    return check


async def _run_drill(base: str, database: Database) -> tuple[Drill, float, float]:
    """Load, storm, refusal, restoration; returns the drill and the times of restoration and recovery."""
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_BOUND_SECONDS + 5) as client:
        drill = Drill(client)
        accounts, videos = await _setup(drill)
        workers = [asyncio.create_task(drill.worker(account, videos)) for account in accounts]
        try:
            await asyncio.sleep(WARM_UP_SECONDS)
            # 1. Storm: every connection of the database dies, again and again; new ones succeed.
            killed = 0
            storm_ends = time.monotonic() + STORM_SECONDS
            while time.monotonic() < storm_ends:
                killed += await database.terminate_backends()
                await asyncio.sleep(0.02)
            assert killed > 0, (
                "the storm terminated no connection: the load did not reach the database"
            )
            # 2. Refusal: no new connection is accepted, and the live ones are terminated.
            try:
                await database.allow_connections(False)
                refusal_ends = time.monotonic() + REFUSAL_SECONDS
                await database.terminate_backends()
                await _until(_ready_is(503, client), REFUSAL_SECONDS + 3, "/health/ready says 503")
                while time.monotonic() < refusal_ends:
                    await database.terminate_backends()
                    await asyncio.sleep(0.1)
            finally:
                await database.allow_connections(True)
            restored = time.monotonic()
            # 3. Recovery, without restarting the server.
            await _until(_ready_is(200, client), RECOVERY_DEADLINE_SECONDS, "recovery")
            recovered = time.monotonic()
            await asyncio.sleep(AFTER_RECOVERY_SECONDS)
        finally:
            drill.stop.set()
            await asyncio.gather(*workers)
        return drill, restored, recovered


def _check_outcomes(drill: Drill, restored: float) -> None:
    def show(outcome: Outcome) -> str:
        return (
            f"{outcome.method} {outcome.path} -> {outcome.status} in {outcome.elapsed:.2f} s: "
            f"{outcome.error or outcome.body}"
        )

    hung = [o for o in drill.outcomes if o.status is None or o.elapsed > REQUEST_BOUND_SECONDS]
    assert not hung, "\n".join(map(show, hung))
    wrong = [
        o
        for o in drill.outcomes
        if o.status is not None
        and not 200 <= o.status < 300
        and not (
            o.status == 503
            and o.content_type.startswith("application/problem+json")
            and o.retry_after
        )
    ]
    assert not wrong, "\n".join(map(show, wrong))
    assert any(o.status == 503 for o in drill.outcomes), "the outage went unnoticed"
    late = [o for o in drill.outcomes if o.started >= restored]
    assert len(late) > WORKERS, "too few requests after the database was back"
    failed_late = [o for o in late if o.status == 503]
    assert not failed_late, "\n".join(map(show, failed_late))


# Counters that differ from the rows they count (each query returns the offending ids).
_COUNTER_CHECKS = {
    "users.follower_count": "SELECT id FROM users u WHERE follower_count <>"
    " (SELECT count(*) FROM follows f WHERE f.followee_id = u.id)",
    "users.following_count": "SELECT id FROM users u WHERE following_count <>"
    " (SELECT count(*) FROM follows f WHERE f.follower_id = u.id)",
    "users.video_count": "SELECT id FROM users u WHERE video_count <>"
    " (SELECT count(*) FROM videos v WHERE v.owner_id = u.id"
    " AND v.status = 'ready' AND v.visibility = 'public')",
    "users.like_count": "SELECT id FROM users u WHERE like_count <>"
    " (SELECT count(*) FROM video_likes l JOIN videos v ON v.id = l.video_id"
    " WHERE v.owner_id = u.id)",
    "videos.like_count": "SELECT id FROM videos v WHERE like_count <>"
    " (SELECT count(*) FROM video_likes l WHERE l.video_id = v.id)",
    "videos.comment_count": "SELECT id FROM videos v WHERE comment_count <>"
    " (SELECT count(*) FROM comments c WHERE c.video_id = v.id)",
    "comments.reply_count": "SELECT id FROM comments c WHERE reply_count <>"
    " (SELECT count(*) FROM comments r WHERE r.parent_id = c.id)",
    "comments.like_count": "SELECT id FROM comments c WHERE like_count <>"
    " (SELECT count(*) FROM comment_likes l WHERE l.comment_id = c.id)",
}


def _check_database(conninfo: str, acked: Acknowledged) -> None:
    with psycopg.connect(conninfo) as connection:

        def rows(query: str) -> set[Any]:
            return {
                tuple(str(value) for value in row) if len(row) > 1 else str(row[0])
                for row in connection.execute(query).fetchall()
            }

        assert acked.users <= rows("SELECT id FROM users")
        assert acked.videos <= rows("SELECT id FROM videos")
        assert acked.comments <= rows("SELECT id FROM comments")
        assert acked.video_likes <= rows("SELECT user_id, video_id FROM video_likes")
        assert acked.comment_likes <= rows("SELECT user_id, comment_id FROM comment_likes")
        assert acked.follows <= rows("SELECT follower_id, followee_id FROM follows")
        wrong = {name: found for name, query in _COUNTER_CHECKS.items() if (found := rows(query))}
        assert not wrong, f"counters differ from their rows: {wrong}"


def test_the_database_goes_away_under_load_and_comes_back(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    url = postgres_databases.create(migrated=True)
    database = Database(url)
    env = {
        "CLIPSTREAM_DATABASE_URL": url,
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0",
        "CLIPSTREAM_WORKER_INTERVAL_SECONDS": "1",  # background work runs through the outage too
    }
    try:
        with running_server(env, tmp_path / "server.log") as base:
            drill, restored, recovered = asyncio.run(_run_drill(base, database))
    finally:  # whatever happened, the database accepts connections again
        asyncio.run(database.allow_connections(True))
    _check_outcomes(drill, restored)
    assert recovered - restored < RECOVERY_DEADLINE_SECONDS
    _check_database(database.conninfo, drill.acked)
    writes = sum(map(len, vars(drill.acked).values()))
    assert writes > 2 * WORKERS, "too few acknowledged writes for the drill to mean anything"
