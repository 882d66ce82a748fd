"""Shared field types and helpers of the HTTP structs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from msgspec import Meta

# Patterns in this package read alike in Python's `re` (msgspec checks values with it) and in
# ECMA-262, JSON Schema's dialect (clients, Swagger UI and Schemathesis use it): no `\w`, `\d` or `\s`,
# whose meanings differ, and `$(?!\n)` at the end where Python's `$` would also match before a final
# line feed.
CONTROL = r"\x00-\x1f\x7f"
# What `str.strip()` removes (Python's whitespace), spelled out for the same reason.
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

Timestamp = Annotated[
    str,
    Meta(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$",
        description="RFC 3339 time in UTC with microseconds.",
        examples=["2026-11-22T08:00:00.123456Z"],
    ),
]
Id = Annotated[
    str,
    Meta(
        description="A UUID (time-ordered, v7).", examples=["0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b"]
    ),
]


def timestamp(value: datetime) -> str:
    """Format a time as RFC 3339 UTC, always with six fractional digits."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def optional_timestamp(value: datetime | None) -> str | None:
    return None if value is None else timestamp(value)
