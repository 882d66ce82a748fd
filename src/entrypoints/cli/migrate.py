"""`clipstream migrate`: upgrade the database schema to the newest revision."""

from __future__ import annotations

import argparse
import logging

from entrypoints.cli._common import load_settings, migrate_database

logger = logging.getLogger("clipstream")


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    return commands.add_parser("migrate", help="upgrade the database schema to the newest revision")


def run(args: argparse.Namespace) -> None:
    migrate_database(load_settings())
    logger.info("database schema is at the newest revision")
