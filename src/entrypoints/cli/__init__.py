"""The `clipstream` command line: one module per command, each with `add_parser` and `run`."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence

from entrypoints.cli import migrate, seed, serve, users, worker
from entrypoints.logs import LOG_FORMATS, LogFormat, configure_command_logging, default_log_format

COMMANDS = (serve, migrate, seed, worker, users)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clipstream", description="Clipstream backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(commands).set_defaults(run=command.run)
    return parser


def _log_format() -> LogFormat:
    """`CLIPSTREAM_LOG_FORMAT`, or the default for this output (a wrong value is reported with the
    other settings, when the command reads them)."""
    chosen = os.environ.get("CLIPSTREAM_LOG_FORMAT", "").strip()
    for option in LOG_FORMATS:
        if chosen == option:
            return option
    return default_log_format(os.environ.get("CLIPSTREAM_ENV", "development").strip())


class _AlembicPreamble(logging.Filter):
    """Drops what Alembic says before every run ("Context impl ...", "Will assume ...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("Context impl", "Will assume"))


def quiet_libraries() -> None:
    """Libraries' chatter off: Alembic's plugin list and preamble (its "Running upgrade" lines stay
    for `clipstream migrate`), botocore's "Found credentials"."""
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("botocore.credentials").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").addFilter(_AlembicPreamble())


def main(argv: Sequence[str] | None = None) -> None:
    configure_command_logging(_log_format())
    quiet_libraries()
    args = build_parser().parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
