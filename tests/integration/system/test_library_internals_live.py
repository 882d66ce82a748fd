"""psycopg still routes every exchange with the server through the hook the engine relies on."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from adapters.postgres._library_internals import AnswerDeadlineConnection

pytestmark = pytest.mark.postgres


class _Recording(AnswerDeadlineConnection):
    late: int = 0

    def no_answer(self) -> None:
        type(self).late += 1


async def test_a_late_answer_calls_no_answer_and_a_prompt_one_does_not(postgres_url: str) -> None:
    conninfo = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
    async with await _Recording.connect(conninfo, autocommit=True) as connection:
        connection.answer_deadline = 0.05
        await connection.execute("SELECT 1")
        assert _Recording.late == 0
        await connection.execute("SELECT pg_sleep(0.3)")
        assert _Recording.late == 1
