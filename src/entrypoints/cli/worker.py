"""`clipstream worker`: background work in a process of its own."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from entrypoints.cli._common import load_settings, migrate_database

logger = logging.getLogger("clipstream")


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    return commands.add_parser(
        "worker", help="run background work: expire abandoned uploads, retry storage deletions"
    )


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
    if settings.is_sqlite:
        migrate_database(settings)

    async def main() -> None:
        from entrypoints import composition, worker

        container = composition.build_container(settings)
        await composition.start(container)
        task = asyncio.create_task(worker.run_forever(container, settings.worker_interval_seconds))
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):  # finish the current job, then stop
            loop.add_signal_handler(signum, task.cancel)
        logger.info("worker running every %s s", settings.worker_interval_seconds)
        try:
            await task
        except asyncio.CancelledError:
            logger.info("worker stopped")
        finally:
            await composition.stop(container)

    asyncio.run(main())
