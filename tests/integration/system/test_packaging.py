"""The wheel is enough to run: an installed wheel (no checkout around) migrates a database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> None:
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, f"{command}: {completed.stdout}\n{completed.stderr}"


def test_an_installed_wheel_migrates_a_database(tmp_path: Path) -> None:
    # Built from this checkout with the build backend of the project's environment (offline).
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--quiet",
        "--wheel-dir",
        tmp_path / "dist",
        ROOT,
        cwd=tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("clipstream-*.whl")
    # A throwaway environment with only the wheel installed; its dependencies are the project
    # environment's (a path file: the checkout's own sources are not on the path).
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--quiet",
        wheel,
        cwd=tmp_path,
    )
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site_packages, "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    database = tmp_path / "elsewhere" / "clipstream.db"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLIPSTREAM_")} | {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{database}"
    }
    _run(venv / "bin" / "clipstream", "migrate", cwd=tmp_path, env=env)

    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    heads = [path.stem.split("_")[0] for path in (ROOT / "migrations" / "versions").glob("*.py")]
    assert revision in heads
    assert {"users", "videos", "comments", "follows", "email_tokens"} <= tables

    # The built-in email templates ship with the code that renders them.
    rendered = subprocess.run(
        [
            str(python),
            "-c",
            "from adapters.email.jinja_templates import JinjaEmailTemplates; "
            "print(JinjaEmailTemplates().render('reset_password', "
            "{'username': 'ana', 'email': 'a@b.example', 'link': 'https://x.example/r'}).subject)",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert rendered.stdout.strip() == "Reset your password", rendered.stderr
