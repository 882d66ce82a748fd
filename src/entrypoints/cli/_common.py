"""What several commands share: settings from the environment, argument types, migrating."""

from __future__ import annotations

import argparse
import sys

from entrypoints.config import Settings, SettingsError


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        sys.exit(f"clipstream: {error}")


def migrate_database(settings: Settings) -> None:
    from adapters.sqlalchemy.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)


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
