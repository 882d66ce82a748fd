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


def migrate_database(settings: Settings, *, quiet: bool = False) -> None:
    """Upgrade the schema; a database that cannot be reached ends the command in one line.

    `quiet`: one line saying what changed instead of Alembic's line per revision (`serve`).
    """
    from adapters.sqlalchemy.migrate import upgrade_to_head
    from adapters.sqlalchemy.schema_check import DatabaseNotUsable, database_revision

    try:
        before = database_revision(settings.database_url)
    except DatabaseNotUsable as error:
        sys.exit(f"clipstream: {error}")
    alembic = logging.getLogger("alembic")
    level = alembic.level
    if quiet:
        alembic.setLevel(logging.WARNING)
    try:
        upgrade_to_head(settings.database_url)
    finally:
        alembic.setLevel(level)
    after = database_revision(settings.database_url)
    if after != before:
        logger.info("database migrated from revision %s to %s", before or "none", after)


def require_current_schema(settings: Settings) -> None:
    """End the command in one line unless the database answers at this release's revision."""
    from adapters.sqlalchemy.schema_check import DatabaseNotUsable, check_database

    try:
        warning = check_database(settings.database_url)
    except DatabaseNotUsable as error:
        sys.exit(f"clipstream: {error}")
    if warning:
        logger.warning("%s", warning)


def require_usable_storage(settings: Settings) -> None:
    """End the command in one line when the storage is not usable, in production (and wherever a
    folder cannot even be created); in development say so loudly and go on (uploads answer 503
    until it is usable)."""
    import asyncio

    from adapters.storage.startup_check import storage_problem

    problem = asyncio.run(storage_problem(settings.storage_url, settings.s3_endpoint_url))
    if problem is None:
        return
    if settings.env == "production" or problem.fatal:
        sys.exit(f"clipstream: {problem.message}")
    logger.warning(
        "STORAGE NOT USABLE, uploads will answer 503 until it is: %s (in production this "
        "stops the start)",
        problem.message,
    )


def warn_without_mail_server(settings: Settings) -> None:
    """In production, say loudly that account emails reach nobody without `CLIPSTREAM_SMTP_URL`
    (they are written to the outbox directory, the development default)."""
    if settings.env == "production" and settings.smtp_url is None:
        logger.warning(
            "CLIPSTREAM_SMTP_URL is not set: account emails (verification, password reset) are "
            "written to %s as .eml files and reach nobody; set it to your mail server",
            settings.outbox_dir,
        )


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
