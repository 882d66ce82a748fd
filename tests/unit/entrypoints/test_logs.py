"""Log lines: the console for a person at a terminal in development, JSON for everything else."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.config import Settings, SettingsError
from entrypoints.http.app import create_app
from entrypoints.logs import default_log_format, request_line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_in_development_gets_the_console_and_anything_else_json() -> None:
    assert default_log_format("development", _Terminal()) == "console"
    assert default_log_format("production", _Terminal()) == "json"
    assert default_log_format("development", io.StringIO()) == "json"


def test_the_log_format_can_be_chosen_and_a_wrong_one_is_named() -> None:
    assert Settings.from_env({"CLIPSTREAM_LOG_FORMAT": "console"}).log_format == "console"
    assert Settings.from_env({"CLIPSTREAM_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(SettingsError, match="CLIPSTREAM_LOG_FORMAT='pretty': must be one of"):
        Settings.from_env({"CLIPSTREAM_LOG_FORMAT": "pretty"})


def test_a_request_reads_as_method_path_status_duration_and_problem() -> None:
    event: dict[str, Any] = {
        "event": "request",
        "method": "GET",
        "route": "/api/v1/users",
        "path": "/api/v1/users",
        "status": 400,
        "duration_ms": 1.25,
        "user_id": None,
        "request_id": "abc",
        "problem": "Bad Request: q: is required (a query parameter)",
    }
    line = request_line(None, "info", event)
    assert set(line) == {"event"}
    assert line["event"] == (
        "GET /api/v1/users \x1b[33m400\x1b[0m \x1b[2m1.25 ms\x1b[0m  "
        "\x1b[33mBad Request: q: is required (a query parameter)\x1b[0m"
    )
    other = {"event": "worker started", "queues": "all"}
    assert request_line(None, "info", dict(other)) == other


async def _access_lines(
    container: Container, capsys: pytest.CaptureFixture[str], method: str, path: str
) -> list[str]:
    async with AsyncTestClient(app=create_app(container)) as client:
        capsys.readouterr()
        await client.request(method, path)
    return [line for line in capsys.readouterr().out.splitlines() if "/api/v1/" in line]


async def test_console_access_lines_name_the_path_and_the_problem_json_ones_do_not(
    make_container: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    console = make_container(log_format="console")
    [line] = await _access_lines(console, capsys, "GET", "/api/v1/users?q=")
    assert "GET /api/v1/users \x1b[33m400" in line
    assert "Bad Request: q: must not be empty" in line
    [plain] = await _access_lines(make_container(), capsys, "GET", "/api/v1/users?q=")
    fields = json.loads(plain)
    assert fields["route"] == "/api/v1/users"
    assert fields["status"] == 400
    assert "path" not in fields
    assert "problem" not in fields


@pytest.mark.parametrize("method", ["PUT", "GET"])  # the upload route, and a method it lacks
async def test_console_access_lines_hide_a_credential_in_the_path(
    make_container: Any, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    token = "grant-" + "x" * 60
    [line] = await _access_lines(
        make_container(log_format="console"), capsys, method, f"/api/v1/uploads/{token}"
    )
    assert token not in line
    assert "/api/v1/uploads/" in line
