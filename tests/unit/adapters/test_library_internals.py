"""The SQLAlchemy and psycopg internals the PostgreSQL adapters use are still there."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import psycopg
import pytest

from adapters.postgres import _library_internals
from adapters.postgres._library_internals import LibraryInternalsChanged, check


def test_every_library_internal_the_postgres_adapters_use_behaves_as_they_expect() -> None:
    check()


def test_a_changed_internal_fails_naming_the_library_its_version_and_what_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def wait(self: Any, generator: Any) -> Any:  # a renamed parameter
        return None

    monkeypatch.setattr(psycopg.AsyncConnection, "wait", wait)

    with pytest.raises(LibraryInternalsChanged) as raised:
        check()

    message = str(raised.value)
    assert f"psycopg {version('psycopg')} changed AsyncConnection.wait" in message
    assert "_library_internals.py" in message
    assert "pyproject.toml" in message


def test_a_missing_compiler_internal_fails_naming_sqlalchemy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def gone(compiled: Any) -> Any:
        raise AttributeError("'SQLCompiler' object has no attribute '_result_columns'")

    monkeypatch.setattr(_library_internals, "result_columns", gone)

    with pytest.raises(LibraryInternalsChanged, match=r"^SQLAlchemy \S+ changed SQLCompiler"):
        check()
