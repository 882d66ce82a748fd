"""How log lines look: JSON (one object a line, for machines) or the console (for a person).

`CLIPSTREAM_LOG_FORMAT=json|console` chooses; by default a terminal in development gets the
console (structlog's coloured renderer, requests as `GET /api/v1/users 400 1.2 ms`), anything else
JSON (a pipe, a file, a container's log, and production). The commands and the server share it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, Literal, TextIO

import structlog

LogFormat = Literal["json", "console"]
LOG_FORMATS: tuple[LogFormat, ...] = ("json", "console")

_SECRET_KEYS = re.compile(r"pass|token|secret|authorization|cookie|signature", re.IGNORECASE)
_STATUS_COLOURS = {2: "\x1b[32m", 3: "\x1b[36m", 4: "\x1b[33m", 5: "\x1b[31m"}
_RESET, _DIM = "\x1b[0m", "\x1b[2m"


def default_log_format(env: str, stream: TextIO | None = None) -> LogFormat:
    """The console for a terminal in development; JSON otherwise."""
    stream = sys.stdout if stream is None else stream
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        terminal = False
    return "console" if terminal and env != "production" else "json"


def redact_secrets(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Last line of defence: a field whose name suggests a credential is never written out."""
    for key in event:
        if _SECRET_KEYS.search(key):
            event[key] = "[redacted]"
    return event


def request_line(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The console's access-log line: `GET /path 404 1.2 ms  Not Found: detail`, coloured by
    status (the JSON line keeps its fields)."""
    if event.get("event") != "request" or "status" not in event:
        return event
    status = event.pop("status")
    method = event.pop("method", "")
    path = event.pop("path", None) or event.get("route") or "?"
    event.pop("route", None)
    duration = event.pop("duration_ms", 0)
    colour = _STATUS_COLOURS.get(int(status) // 100, "") if isinstance(status, int) else ""
    line = f"{method} {path} {colour}{status}{_RESET} {_DIM}{duration} ms{_RESET}"
    problem = event.pop("problem", None)
    if problem:
        line += f"  {colour}{problem}{_RESET}"
    event["event"] = line
    event.pop("request_id", None)
    if event.get("user_id") is None:
        event.pop("user_id", None)
    return event


def json_or_repr(value: Any, **_: Any) -> str:
    """JSON of a log line; a value JSON cannot hold is written as its `repr`."""
    return json.dumps(value, default=repr)


def renderer(log_format: LogFormat) -> Any:
    """The last processor of every chain: JSON text, or the console's coloured columns."""
    if log_format == "console":
        return structlog.dev.ConsoleRenderer(
            colors=True,
            pad_event_to=0,
            # Locals could hold a password or a token: never shown.
            exception_formatter=structlog.dev.RichTracebackFormatter(
                show_locals=False, max_frames=12
            ),
        )
    return structlog.processors.JSONRenderer(serializer=json_or_repr)


def configure_command_logging(log_format: LogFormat) -> None:
    """The standard `logging` records of the commands (and libraries), in the chosen format."""
    processors: list[Any] = [
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        redact_secrets,
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
    ]
    if log_format == "json":
        processors.append(structlog.processors.format_exc_info)
    processors.append(renderer(log_format))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(processors=processors))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
