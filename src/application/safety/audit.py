"""The moderation audit log."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.pagination import Page, page_from
from application.common.visibility import Viewer
from application.ports.moderation_queries import LogKey, LogRecord, ModerationQueries
from application.safety.cases import require_moderator


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadLogQuery:
    moderator: Viewer
    limit: int
    after: LogKey | None = None


class ReadAuditLog:
    """Every moderation action (and role grant), newest first: who, what, which target, why,
    when. Moderators only. The log is append-only: nothing edits or deletes an entry (the
    database refuses UPDATE and DELETE on it)."""

    def __init__(self, queries: ModerationQueries) -> None:
        self._queries = queries

    async def execute(self, query: ReadLogQuery) -> Page[LogRecord, LogKey]:
        require_moderator(query.moderator)
        rows = await self._queries.log(after=query.after, limit=query.limit + 1)
        return page_from(rows, query.limit, key_of=lambda r: (r.entry.created_at, r.entry.id))
