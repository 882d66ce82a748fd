"""The `clipstream` command line: one module per command, each with `add_parser` and `run`."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from entrypoints.cli import migrate, seed, serve, users, worker

COMMANDS = (serve, migrate, seed, worker, users)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clipstream", description="Clipstream backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(commands).set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
