"""Database errors never carry the statement's parameters (they hold passwords' hashes, emails,
tokens' hashes): what reaches a log names the statement, not the values."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from adapters.sqlalchemy.engine import create_engine

SECRET_VALUE = "hunter2-do-not-log-me"


async def test_a_failing_statement_hides_its_parameters(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as failure:
                await connection.execute(
                    text("SELECT * FROM no_such_table WHERE x = :value"), {"value": SECRET_VALUE}
                )
        assert "no_such_table" in str(failure.value)
        assert SECRET_VALUE not in str(failure.value)
        assert SECRET_VALUE not in repr(failure.value)
    finally:
        await engine.dispose()
