"""Structured JSON logs (secrets redacted) and the service's own Prometheus metrics."""

from __future__ import annotations

import json
import re
from collections.abc import MutableMapping
from typing import Any

import structlog
from litestar.logging.config import LoggingConfig, StructLoggingConfig, default_json_serializer
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from prometheus_client import Counter

_SECRET_KEYS = re.compile(r"pass|token|secret|authorization|cookie|signature", re.IGNORECASE)

UPLOADS = Counter("clipstream_uploads", "Finished uploads by outcome.", ["outcome"])


def _redact_secrets(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Last line of defence: a field whose name suggests a credential is never written out."""
    for key in event:
        if _SECRET_KEYS.search(key):
            event[key] = "[redacted]"
    return event


def logging_plugin() -> StructlogPlugin:
    """JSON logs through structlog; access logs come from `RequestContextMiddleware` instead of
    Litestar's request/response logging (which could log bodies, hence passwords)."""
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact_secrets,
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(serializer=default_json_serializer),
    ]
    return StructlogPlugin(
        StructlogConfig(
            structlog_logging_config=StructLoggingConfig(
                processors=processors,
                log_exceptions="never",
                pretty_print_tty=False,
                cache_logger_on_first_use=False,  # loggers follow the current stdout (tests, reloads)
                standard_lib_logging_config=_standard_lib_logging(),
            ),
            enable_middleware_logging=False,
        )
    )


def _standard_lib_logging() -> LoggingConfig:
    """Records of the standard `logging` module (libraries, `logger.exception`) as JSON lines too.

    Litestar's default formatter for them has no exception formatting, so a record carrying
    `exc_info` (a 500's traceback) failed to serialise and was lost ("--- Logging error ---").
    """
    return LoggingConfig(
        formatters={
            "standard": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.ExtraAdder(),
                    _redact_secrets,
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(serializer=_json_or_repr),
                ],
            }
        }
    )


def _json_or_repr(value: Any, **_: Any) -> str:
    """JSON of a log line; a value JSON cannot hold is written as its `repr`."""
    return json.dumps(value, default=repr)
