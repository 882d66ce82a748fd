"""The benchmark database: migrate, seed at a scale, and reuse it while it still has that scale."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from benchkit.config import VENV_BIN, Scale, Target, app_environment

MARKER_TABLE = "bench_seed"  # one row: the scale and the row counts right after seeding
STORAGE_MARKER = ".clipstream-bench"  # in a storage directory this benchmark filled itself
COUNTED = ("users", "videos", "video_likes", "comments", "follows")
# The benchmark adds comments (POST) and briefly likes (PUT, undone by DELETE); the rest is fixed.
GROWTH_ALLOWED = {"comments": 0.10, "video_likes": 0.01}


@dataclass(frozen=True, slots=True)
class SeedOutcome:
    reused: bool
    reason: str
    seed_seconds: float | None  # None when reused; then `recorded_seconds` is the original time
    recorded_seconds: float | None
    counts: dict[str, int]


def clipstream(target: Target, *args: str, capture: bool = False) -> str:
    """Run the `clipstream` command of this venv with the benchmark's environment."""
    completed = subprocess.run(  # noqa: S603 (our own venv's command)
        [str(VENV_BIN / "clipstream"), *args],
        env=app_environment(target),
        check=True,
        text=True,
        capture_output=capture,
    )
    return completed.stdout if capture else ""


def ensure_seeded(target: Target, scale: Scale, *, reseed: bool) -> SeedOutcome:
    """Reuse the database if it holds this scale (by its marker, or by exact counts for a
    database seeded by hand); else recreate, migrate and seed it. Always migrates to head."""
    if not reseed and _database_exists(target):
        clipstream(target, "migrate", capture=True)
        reused, reason, recorded = _check(target, scale)
        if reused:
            return SeedOutcome(True, reason, None, recorded, _counts(target))
    else:
        reason = "--reseed" if reseed else f"database {target.database} does not exist"
    print(f"seeding {target.database} from scratch ({reason})", flush=True)
    _recreate(target)
    _prepare_storage(target.storage_dir)
    clipstream(target, "migrate", capture=True)
    started = time.perf_counter()
    clipstream(target, "seed", *scale.seed_args())  # its progress shows as it goes
    seconds = time.perf_counter() - started
    _settle(target)
    counts = _counts(target)
    _write_marker(target, scale, counts, seconds)
    return SeedOutcome(False, reason, seconds, seconds, counts)


def _settle(target: Target) -> None:
    """VACUUM (ANALYZE) the fresh data: hint bits and the visibility map are set now rather than
    by the first requests or an autovacuum in the middle of a measurement."""
    started = time.perf_counter()
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    print(f"  settled (VACUUM ANALYZE) in {time.perf_counter() - started:.1f} s", flush=True)


def _database_exists(target: Target) -> bool:
    with psycopg.connect(target.maintenance_conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target.database]
        ).fetchone()
        return row is not None


def _recreate(target: Target) -> None:
    name = sql.Identifier(target.database)
    with psycopg.connect(target.maintenance_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _prepare_storage(directory: Path) -> None:
    """Empty a storage directory this benchmark filled before; never touch anyone else's."""
    if directory.exists() and (directory / STORAGE_MARKER).exists():
        shutil.rmtree(directory)
    elif directory.exists() and any(directory.iterdir()):
        print(f"  note: {directory} already holds files (not ours): they are left in place")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / STORAGE_MARKER).write_text("video files of the Clipstream benchmark database\n")


def _counts(target: Target) -> dict[str, int]:
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        counts: dict[str, int] = {}
        for table in COUNTED:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            row = conn.execute(query).fetchone()
            counts[table] = int(row[0]) if row else 0
        return counts


def _check(target: Target, scale: Scale) -> tuple[bool, str, float | None]:
    """Whether the database holds `scale`, why (not), and the recorded seed time."""
    counts = _counts(target)
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        has_marker = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE]).fetchone()
        row = None
        if has_marker and has_marker[0]:
            row = conn.execute(
                sql.SQL("SELECT scale, counts, seed_seconds FROM {}").format(
                    sql.Identifier(MARKER_TABLE)
                )
            ).fetchone()
    if row is None:
        expected = {
            "users": scale.users,
            "videos": round(scale.users * scale.videos_per_user),
            "video_likes": scale.likes,
            "comments": scale.comments,
            "follows": scale.follows,
        }
        if _close(expected, counts):  # seeded by hand at this scale (then used): adopt it
            _write_marker(target, scale, expected, None)
            return True, "seeded earlier at this scale (row counts match; marker written)", None
        return False, f"no marker and counts {counts} are not the scale's {expected}", None
    recorded_scale, recorded, seconds = row
    if recorded_scale != json.loads(json.dumps(scale.as_dict())):
        return False, f"seeded at another scale: {recorded_scale}", seconds
    if not _close(recorded, counts):
        return False, f"row counts {counts} drifted from the seeded {recorded}", seconds
    return True, "already seeded at this scale (marker and row counts match)", seconds


def _close(seeded: dict[str, int], now: dict[str, int]) -> bool:
    """Whether the counts are still those seeded, but for what benchmark runs add."""
    for table in COUNTED:
        allowed = GROWTH_ALLOWED.get(table, 0.0)
        low, high = seeded[table] * (1 - allowed), seeded[table] * (1 + allowed)
        if not low <= now[table] <= high:
            return False
    return True


def _write_marker(
    target: Target, scale: Scale, counts: dict[str, int], seconds: float | None
) -> None:
    table = sql.Identifier(MARKER_TABLE)
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (scale jsonb NOT NULL, counts jsonb NOT NULL,"
                " seed_seconds double precision, seeded_at timestamptz NOT NULL DEFAULT now())"
            ).format(table)
        )
        conn.execute(sql.SQL("DELETE FROM {}").format(table))
        conn.execute(
            sql.SQL("INSERT INTO {} (scale, counts, seed_seconds) VALUES (%s, %s, %s)").format(
                table
            ),
            [Jsonb(scale.as_dict()), Jsonb(counts), seconds],
        )
