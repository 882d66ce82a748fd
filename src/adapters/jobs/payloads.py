"""What every queue adapter checks and derives the same way: payloads, dedupe keys, run times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from application.ports.task_queue import MAX_DEDUPE_KEY_LENGTH, Payload, TaskSpec

MAX_PAYLOAD_BYTES = 64 * 1024


def encode_payload(payload: Payload | None) -> str:
    """The payload as JSON text; ValueError for anything JSON cannot hold exactly."""
    if payload is None:
        return "{}"
    if not isinstance(payload, dict):
        payload = dict(payload)
    try:
        text = json.dumps(payload, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"a job payload must be a JSON object: {error}") from None
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"a job payload must be at most {MAX_PAYLOAD_BYTES} bytes of JSON")
    return text


def decode_payload(text: str | dict[str, Any]) -> dict[str, Any]:
    value = json.loads(text) if isinstance(text, str) else text
    if not isinstance(value, dict):
        raise ValueError("a stored job payload is not a JSON object")
    return value


def queueing_key(task: TaskSpec, dedupe_key: str | None) -> str | None:
    """The key stored with a job: dedupe keys are per task."""
    if dedupe_key is None:
        return None
    if not 1 <= len(dedupe_key) <= MAX_DEDUPE_KEY_LENGTH:
        raise ValueError(f"a dedupe key must be 1..{MAX_DEDUPE_KEY_LENGTH} characters")
    return f"{task.name}:{dedupe_key}"


def run_time(now: datetime, run_at: datetime | None, delay: timedelta | None) -> datetime | None:
    """When a job may run (None: now)."""
    if run_at is not None and delay is not None:
        raise ValueError("give run_at or delay, not both")
    if run_at is not None:
        if run_at.tzinfo is None or run_at.utcoffset() is None:
            raise ValueError("run_at must be timezone-aware")
        return run_at
    if delay is not None:
        if delay < timedelta(0):
            raise ValueError("delay must not be negative")
        return now + delay
    return None


def period_bounds(now: datetime, every: timedelta) -> tuple[datetime, datetime]:
    """The period (aligned on the Unix epoch, like cron) that `now` falls in: start and end."""
    length = int(every.total_seconds())
    start = int(now.timestamp()) // length * length
    return datetime.fromtimestamp(start, now.tzinfo), datetime.fromtimestamp(
        start + length, now.tzinfo
    )
