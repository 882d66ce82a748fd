"""`clipstream serve` refuses, in one line and with exit status 1, to start where it cannot work."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.migrate import alembic_config
from adapters.sqlalchemy.schema_check import schema_revisions
from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import free_port, running_server

CLIPSTREAM = str(Path(sys.executable).with_name("clipstream"))


def clipstream(*args: str, env: dict[str, str], timeout: float = 60) -> tuple[int, list[str]]:
    """Run the real command; its exit status and the lines it printed (stdout and stderr)."""
    finished = subprocess.run(
        [CLIPSTREAM, *args],
        env={**os.environ, "CLIPSTREAM_BCRYPT_ROUNDS": "4", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        check=False,
    )
    return finished.returncode, finished.stdout.decode().splitlines()


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",
    }


@pytest.mark.slow
def test_a_port_another_program_holds_is_refused_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        status, lines = clipstream("serve", "--port", str(port), env=sqlite_env(tmp_path))
    assert status == 1
    assert lines == [
        f"clipstream: 127.0.0.1:{port} is already in use (another `clipstream serve` or another "
        "program): stop it, or serve on another --port"
    ]


@pytest.mark.slow
def test_a_second_server_on_the_port_of_a_first_is_refused_and_the_first_keeps_it(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    with running_server(sqlite_env(first), tmp_path / "first.log") as base:
        port = base.rsplit(":", 1)[1]
        status, lines = clipstream("serve", "--port", port, env=sqlite_env(second))
        assert status == 1
        assert len(lines) == 1
        assert f"127.0.0.1:{port} is already in use" in lines[0]
        # Every wildcard address covers the taken one too.
        status, lines = clipstream(
            "serve", "--host", "0.0.0.0", "--port", port, env=sqlite_env(second)
        )
        assert (status, len(lines)) == (1, 1)
        assert f"0.0.0.0:{port} is already in use" in lines[0]
        assert httpx.get(f"{base}/health/ready", timeout=5).status_code == 200
    assert not (second / "clipstream.db").exists()  # refused before touching its database


@pytest.mark.slow
def test_a_host_that_does_not_resolve_is_refused_in_one_line(tmp_path: Path) -> None:
    port = str(free_port())
    status, lines = clipstream(
        "serve", "--host", "no-such-host.invalid", "--port", port, env=sqlite_env(tmp_path)
    )
    assert status == 1
    assert len(lines) == 1
    assert lines[0].startswith(f"clipstream: cannot listen on no-such-host.invalid:{port}: ")


# --- the database -------------------------------------------------------------------------------


def _database_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {**sqlite_env(tmp_path), "CLIPSTREAM_DATABASE_URL": database_url}


def _set_revision(database_url: str, revision: str) -> None:
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("UPDATE alembic_version SET version_num = %s", (revision,))


@pytest.mark.slow
@pytest.mark.postgres
def test_a_database_that_does_not_exist_is_named_with_the_fix_by_migrate_and_serve(
    postgres_server_url: str, tmp_path: Path
) -> None:
    missing = make_url(postgres_server_url).set(database="clipstream_nowhere")
    env = _database_env(tmp_path, missing.render_as_string(hide_password=False))
    expected = [
        "clipstream: database clipstream_nowhere does not exist: create it "
        "(`createdb clipstream_nowhere`) or fix CLIPSTREAM_DATABASE_URL"
    ]
    assert clipstream("migrate", env=env) == (1, expected)
    assert clipstream("serve", "--port", str(free_port()), env=env) == (1, expected)
    assert clipstream("worker", env=env) == (1, expected)


@pytest.mark.slow
@pytest.mark.postgres
def test_serve_refuses_a_database_never_migrated_or_behind_naming_both_revisions(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    head = schema_revisions().head
    url = postgres_databases.create(migrated=False)
    env = _database_env(tmp_path, url)
    status, lines = clipstream("serve", "--port", str(free_port()), env=env)
    assert (status, lines) == (
        1,
        [
            "clipstream: the database is at revision none (never migrated), this release needs "
            f"{head}: run `clipstream migrate`"
        ],
    )
    assert clipstream("migrate", env=env)[0] == 0
    older = _previous_revision()
    _set_revision(url, older)
    status, lines = clipstream("serve", "--port", str(free_port()), env=env)
    assert (status, lines) == (
        1,
        [
            f"clipstream: the database is at revision {older}, this release needs {head}: "
            "run `clipstream migrate`"
        ],
    )


def _previous_revision() -> str:
    head = schema_revisions().head
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    down = script.get_revision(head).down_revision
    assert isinstance(down, str)
    return down


@pytest.mark.slow
@pytest.mark.postgres
def test_readiness_reports_a_database_that_falls_behind_while_serving(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    url = postgres_databases.create(migrated=True)
    head, older = schema_revisions().head, _previous_revision()
    with running_server(_database_env(tmp_path, url), tmp_path / "server.log") as base:
        _set_revision(url, older)
        ready = httpx.get(f"{base}/health/ready", timeout=10)
        assert ready.status_code == 503
        reason = (
            f"the database is at revision {older}, this release needs {head}: "
            "run `clipstream migrate`"
        )
        assert ready.json()["failing"] == ["database"]
        assert ready.json()["reasons"] == {"database": reason}
        assert reason in ready.json()["detail"]
        # A newer release migrated it (a revision this one does not know): still served.
        _set_revision(url, "ffffffffffff")
        assert httpx.get(f"{base}/health/ready", timeout=10).status_code == 200
        _set_revision(url, head)
        assert httpx.get(f"{base}/health/ready", timeout=10).status_code == 200
    log = (tmp_path / "server.log").read_text()
    assert log.count(reason) == 1  # the cause is logged once, not at every poll
