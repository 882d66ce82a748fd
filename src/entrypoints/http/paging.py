"""Query parameters shared by every list route."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar.params import QueryParameter

from application.auth.results import Principal
from application.common.pagination import MAX_PAGE_SIZE
from entrypoints.http.cursors import MAX_CURSOR_LENGTH

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Page size, 1..100.")]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=MAX_CURSOR_LENGTH, description="`nextCursor` of the previous page."),
]


def viewer_id(viewer: Principal | None) -> UUID | None:
    """The signed-in viewer's id, or None for anonymous requests."""
    return viewer.user_id if viewer else None
