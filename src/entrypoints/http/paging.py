"""Query parameters shared by every list route."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar.params import QueryParameter

from application.auth.results import Principal
from application.common.pagination import MAX_PAGE_SIZE
from application.common.visibility import ANONYMOUS, Viewer
from entrypoints.http.cursors import MAX_CURSOR_LENGTH

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size, 1..100.")]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=MAX_CURSOR_LENGTH, description="`nextCursor` of the previous page."),
]


def viewer_id(viewer: Principal | None) -> UUID | None:
    """The signed-in viewer's id, or None for anonymous requests."""
    return viewer.user_id if viewer else None


def audience(caller: Principal | None) -> Viewer:
    """Who is looking, for `application.common.visibility`: the caller, or anonymous."""
    if caller is None:
        return ANONYMOUS
    return Viewer(user_id=caller.user_id, moderator=caller.role.moderates)
