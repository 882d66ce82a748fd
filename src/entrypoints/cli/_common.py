"""What several commands share: settings from the environment, argument types, migrating."""

from __future__ import annotations

import argparse
import logging
import sys

from entrypoints.config import Settings, SettingsError


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        sys.exit(f"clipstream: {error}")


logger = logging.getLogger("clipstream")


def migrate_database(settings: Settings) -> None:
    """Upgrade the schema; a database that cannot be reached ends the command in one line."""
    from adapters.sqlalchemy.migrate import upgrade_to_head
    from adapters.sqlalchemy.schema_check import DatabaseNotUsable, database_revision

    try:
        database_revision(settings.database_url)
    except DatabaseNotUsable as error:
        sys.exit(f"clipstream: {error}")
    upgrade_to_head(settings.database_url)


def require_current_schema(settings: Settings) -> None:
    """End the command in one line unless the database answers at this release's revision."""
    from adapters.sqlalchemy.schema_check import DatabaseNotUsable, check_database

    try:
        warning = check_database(settings.database_url)
    except DatabaseNotUsable as error:
        sys.exit(f"clipstream: {error}")
    if warning:
        logger.warning("%s", warning)


def port(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return value


def positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def non_negative(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def non_negative_float(raw: str) -> float:
    value = float(raw)
    if not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be between 0 and 1000")
    return value
