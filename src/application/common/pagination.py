"""Keyset pagination shared by every list use case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[T, K]):
    """One page of a list and the keyset to continue after (None on the last page)."""

    items: Sequence[T]
    next_key: K | None


def page_from(rows: Sequence[T], limit: int, key_of: Callable[[T], K]) -> Page[T, K]:
    """Build a page from `limit + 1` fetched rows: the extra row only says that more exist."""
    items = rows[:limit]
    has_more = len(rows) > limit
    return Page(items=items, next_key=key_of(items[-1]) if has_more and items else None)
