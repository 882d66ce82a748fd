"""Every use of SQLAlchemy's and psycopg's undocumented internals, in one place.

The PostgreSQL adapters need three things neither library documents:

- SQLAlchemy's `SQLCompiler._result_columns` and `SQLCompiler._bind_processors`: the result
  columns' names and types and the parameters' bind processing of a compiled statement, which
  the raw read path (`read_pool.py`) applies itself around psycopg, as SQLAlchemy's execution
  context would;
- psycopg's `AsyncConnection.wait(gen, ...)`: every exchange with the server goes through it, so
  a subclass can bound how long one waits for an answer (`sqlalchemy/engine.py`).

`pyproject.toml` bounds both libraries to the versions whose internals `check()` knows; the test
suite runs it (tests/unit/adapters/test_library_internals.py), so an upgrade that changes one of
them fails loudly, naming the library, its version and what changed.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from importlib.metadata import version
from typing import Any, TypeVar

import psycopg
from psycopg.abc import PQGen
from sqlalchemy import Integer, String, bindparam, literal_column, select
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeDecorator, TypeEngine

_T = TypeVar("_T")

CHECKED_WITH = {"SQLAlchemy": "2.1", "psycopg": "3.3"}
"""The versions (major.minor) whose internals this module was written against."""


class LibraryInternalsChanged(RuntimeError):
    """An internal of SQLAlchemy or psycopg that the PostgreSQL adapters use is gone or changed."""

    def __init__(self, library: str, what: str) -> None:
        super().__init__(
            f"{library} {version(library)} changed {what} (adapters/postgres/_library_internals.py"
            f" was written against {library} {CHECKED_WITH[library]}.x): adapt that module, or "
            f"keep {library} within the bounds in pyproject.toml"
        )


# --- SQLAlchemy ---------------------------------------------------------------------------------


def result_columns(compiled: SQLCompiler) -> list[tuple[str, TypeEngine[Any]]]:
    """(name in the cursor's description, type) of each result column, in order."""
    return [(column.keyname, column.type) for column in compiled._result_columns]


def bind_processors(compiled: SQLCompiler) -> dict[str, Callable[[Any], Any]]:
    """The processor of each parameter (by name) that needs one before it goes to the driver."""
    return {
        name: process for name, process in compiled._bind_processors.items() if callable(process)
    }


# --- psycopg ------------------------------------------------------------------------------------


class AnswerDeadlineConnection(psycopg.AsyncConnection[Any]):
    """A psycopg connection that calls `no_answer()` when one exchange with the server (statement,
    COMMIT, ROLLBACK, ping) has waited `answer_deadline` seconds (None: no deadline)."""

    answer_deadline: float | None = None

    def no_answer(self) -> None:
        """What to do about a server that does not answer in time (subclasses say)."""

    async def wait(self, gen: PQGen[_T], *args: Any, **kwargs: Any) -> _T:
        if self.answer_deadline is None:
            return await super().wait(gen, *args, **kwargs)
        timer = asyncio.get_running_loop().call_later(self.answer_deadline, self.no_answer)
        try:
            return await super().wait(gen, *args, **kwargs)
        finally:
            timer.cancel()


# --- the check ----------------------------------------------------------------------------------


class _Shouted(TypeDecorator[str]):
    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.upper()

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else f"{value}!"


def check() -> None:
    """Raise `LibraryInternalsChanged` if an internal used above is gone or behaves otherwise."""
    _check_sqlalchemy()
    _check_psycopg()


def _check_sqlalchemy() -> None:
    query = select(
        literal_column("'a'", _Shouted).label("shouted"),
        literal_column("1", Integer).label("plain"),
    ).where(literal_column("'x'", String) == bindparam("word", type_=_Shouted))
    compiled = query.compile(dialect=make_url("postgresql+psycopg://").get_dialect()())
    if not isinstance(compiled, SQLCompiler):
        raise LibraryInternalsChanged("SQLAlchemy", "what Select.compile returns")
    try:
        columns = result_columns(compiled)
    except (AttributeError, TypeError) as error:
        raise LibraryInternalsChanged("SQLAlchemy", "SQLCompiler._result_columns") from error
    names = [name for name, _ in columns]
    if names != ["shouted", "plain"] or not isinstance(columns[0][1], _Shouted):
        raise LibraryInternalsChanged(
            "SQLAlchemy", f"SQLCompiler._result_columns (names {names}, types {columns})"
        )
    try:
        processors = bind_processors(compiled)
    except (AttributeError, TypeError) as error:
        raise LibraryInternalsChanged("SQLAlchemy", "SQLCompiler._bind_processors") from error
    processed = processors["word"]("quiet") if "word" in processors else None
    if processed != "QUIET":
        raise LibraryInternalsChanged(
            "SQLAlchemy", f"SQLCompiler._bind_processors (gave {processed!r} for 'quiet')"
        )
    if "%(word)s" not in compiled.string:
        raise LibraryInternalsChanged("SQLAlchemy", "the psycopg dialect's parameter style")


def _check_psycopg() -> None:
    wait: Callable[..., Any] | None = getattr(psycopg.AsyncConnection, "wait", None)
    if wait is None or not inspect.iscoroutinefunction(wait):
        raise LibraryInternalsChanged("psycopg", "AsyncConnection.wait (gone, or not a coroutine)")
    parameters = list(inspect.signature(wait).parameters)
    if parameters[:2] != ["self", "gen"]:
        raise LibraryInternalsChanged("psycopg", f"AsyncConnection.wait{tuple(parameters)}")
