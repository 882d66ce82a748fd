"""HTTP Range requests (RFC 9110 §14) for streaming stored files."""

from __future__ import annotations

import re

_RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")
# More digits than any file size has: read as "past every end" (Python refuses to convert numbers of
# thousands of digits, and nothing is gained by trying).
_MAX_DIGITS = 19
_BEYOND = 2**63


def _number(digits: str) -> int:
    significant = digits.lstrip("0")
    return _BEYOND if len(significant) > _MAX_DIGITS else int(significant or "0")


class UnsatisfiableRange(ValueError):
    """The Range asks for bytes the file does not have (416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (start, end) of a single-range request, or None to send the whole file.

    Multiple ranges and malformed headers are ignored (the whole file is sent, as RFC 9110 allows);
    a range entirely past the end raises `UnsatisfiableRange`.
    """
    if not header:
        return None
    match = _RANGE_RE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        suffix = _number(last)
        if suffix == 0:
            raise UnsatisfiableRange
        return max(0, size - suffix), size - 1
    start = _number(first)
    if start >= size:
        raise UnsatisfiableRange
    end = min(_number(last), size - 1) if last else size - 1
    if start > end:  # "bytes=9-3" is invalid: ignore it
        return None
    return start, end
