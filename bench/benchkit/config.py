"""Paths, data-set scales and the environment of the servers under test."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
LUA_DIR = BENCH_DIR / "lua"
RUNS_DIR = BENCH_DIR / ".runs"  # logs and generated wrk data of the latest run (git-ignored)

API = "/api/v1"
PASSWORD = "password123"  # noqa: S105 (what `clipstream seed` gives every user)
# Only for the benchmark's private servers: random, as production requires (fixed, so that the
# ceiling verifies the same tokens).
JWT_SECRET = "hwtymVKX9owu5zMDb_9z_ZXj_A35BPBjN3DGmca5hCIUa7orgMSSApEiCk2zYAhY"  # noqa: S105


@dataclass(frozen=True, slots=True)
class Scale:
    """The sizes handed to `clipstream seed` (totals, except the per-user video average)."""

    users: int
    videos_per_user: float
    likes: int
    comments: int
    follows: int
    seed: int = 42

    def seed_args(self) -> list[str]:
        return [
            "--users", str(self.users),
            "--videos-per-user", f"{self.videos_per_user:g}",
            "--likes", str(self.likes),
            "--comments", str(self.comments),
            "--follows", str(self.follows),
            "--seed", str(self.seed),
            "--no-media",  # the reads do not touch the files; 13 copies a video would dominate
        ]  # fmt: skip

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


SCALES = {
    "default": Scale(users=10_000, videos_per_user=10, likes=1_000_000, comments=200_000,
                     follows=100_000),
    # Ten times the default: 1,000,000 videos and 10,000,000 likes (the seed takes minutes).
    "x10": Scale(users=100_000, videos_per_user=10, likes=10_000_000, comments=2_000_000,
                 follows=1_000_000),
    "small": Scale(users=1_000, videos_per_user=5, likes=50_000, comments=10_000, follows=10_000),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Target:
    """Where the data lives: a PostgreSQL server (`postgres` is a libpq URL without database)."""

    postgres: str
    database: str
    storage_dir: Path

    @property
    def conninfo(self) -> str:
        return f"{self.postgres.rstrip('/')}/{self.database}"

    @property
    def maintenance_conninfo(self) -> str:
        return f"{self.postgres.rstrip('/')}/postgres"

    @property
    def sqlalchemy_url(self) -> str:
        return "postgresql+psycopg://" + self.conninfo.split("://", 1)[1]

    @property
    def storage_url(self) -> str:
        return self.storage_dir.resolve().as_uri()


def app_environment(target: Target, *, public_url: str | None = None) -> dict[str, str]:
    """The environment of Clipstream (serve, migrate, seed) and of the ceiling: production
    settings, rate limiting off, default pool size and bcrypt cost (nothing overrides them)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CLIPSTREAM_")  # a developer's own settings must not leak in
    }
    env.update(
        CLIPSTREAM_ENV="production",
        CLIPSTREAM_DATABASE_URL=target.sqlalchemy_url,
        CLIPSTREAM_STORAGE_URL=target.storage_url,
        CLIPSTREAM_JWT_SECRET=JWT_SECRET,
        CLIPSTREAM_RATE_LIMIT_PER_MINUTE="0",
        CLIPSTREAM_RATE_LIMIT_OFF_CONFIRMED="true",
        PYTHONUNBUFFERED="1",
    )
    if public_url is not None:
        env["CLIPSTREAM_PUBLIC_URL"] = public_url
    return env
