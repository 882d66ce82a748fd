"""The one Redis database the tests use: `TEST_REDIS_URL`, by default database 15 of the local
server (`redis://127.0.0.1:6379/15`).

Tests write only there: the shared-state contract under random key prefixes, servers started
with several workers, and the two-instance tests, which empty the whole database before and
after. Database 0, where a developer's own data usually is, is refused.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_database(url: str) -> int:
    """The database number a Redis URL names (its path, else its `db` parameter, else 0)."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if path:
        return int(path)
    return int(parse_qs(parts.query).get("db", ["0"])[0])


def redis_url() -> str:
    """`TEST_REDIS_URL` (or the default); fails the test when it names database 0."""
    url = os.environ.get("TEST_REDIS_URL", "").strip() or DEFAULT_TEST_REDIS_URL
    if redis_database(url) == 0:
        pytest.fail(
            f"TEST_REDIS_URL={url!r} names database 0: the tests empty their database, so give "
            f"them one of their own (default {DEFAULT_TEST_REDIS_URL})",
            pytrace=False,
        )
    return url
