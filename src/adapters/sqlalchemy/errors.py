"""Translating database outages into the application's `DependencyUnavailable`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc

from application.errors import DependencyUnavailable

# Connection refused or lost, server restarting, statement timeout, pool exhausted: the database is
# down or too slow for now. Constraint violations and programming errors are not outages.
_OUTAGES = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
    ConnectionError,
    TimeoutError,
)


def is_outage(error: BaseException) -> bool:
    """Whether an error means the database is unreachable or too slow right now."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _OUTAGES)


@contextmanager
def database_errors() -> Iterator[None]:
    """Raise `DependencyUnavailable("database")` for an outage inside the block (works across awaits)."""
    try:
        yield
    except Exception as error:
        if is_outage(error):
            raise DependencyUnavailable("database") from error
        raise
