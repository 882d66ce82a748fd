"""Structured logs (JSON or for the console; secrets redacted) and the service's own metrics."""

from __future__ import annotations

from typing import Any

import structlog
from litestar.logging.config import LoggingConfig, StructLoggingConfig, default_json_serializer
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from prometheus_client import Counter

from entrypoints.logs import LogFormat, redact_secrets, renderer, request_line

UPLOADS = Counter("clipstream_uploads", "Finished uploads by outcome.", ["outcome"])


def logging_plugin(log_format: LogFormat = "json") -> StructlogPlugin:
    """Logs through structlog, as JSON lines or for the console (`entrypoints.logs`); access logs
    come from `RequestContextMiddleware` instead of Litestar's request/response logging (which
    could log bodies, hence passwords)."""
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    if log_format == "json":
        processors += [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=default_json_serializer),
        ]
    else:
        processors += [request_line, renderer("console")]
    return StructlogPlugin(
        StructlogConfig(
            structlog_logging_config=StructLoggingConfig(
                processors=processors,
                # JSON is bytes (msgspec), the console text.
                logger_factory=structlog.BytesLoggerFactory()
                if log_format == "json"
                else structlog.WriteLoggerFactory(),
                log_exceptions="never",
                pretty_print_tty=False,
                cache_logger_on_first_use=False,  # loggers follow the current stdout (tests, reloads)
                standard_lib_logging_config=_standard_lib_logging(log_format),
            ),
            enable_middleware_logging=False,
        )
    )


def _standard_lib_logging(log_format: LogFormat) -> LoggingConfig:
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
                    redact_secrets,
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *([structlog.processors.format_exc_info] if log_format == "json" else []),
                    renderer(log_format),
                ],
            }
        }
    )
