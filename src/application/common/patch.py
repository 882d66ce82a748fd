"""A marker for "leave this field as it is" in partial updates."""

from __future__ import annotations

import enum


class Keep(enum.Enum):
    """The single value `KEEP`: the field was not sent, so it is not changed."""

    KEEP = enum.auto()


KEEP = Keep.KEEP
