"""`clipstream worker`: run background jobs in a process of its own (any number, any machines)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from application.ports.task_queue import QUEUES
from entrypoints.cli._common import (
    load_settings,
    migrate_database,
    port,
    positive,
    require_current_schema,
    require_usable_storage,
    warn_without_mail_server,
)

logger = logging.getLogger("clipstream")


def queue_list(raw: str) -> tuple[str, ...]:
    queues = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [queue for queue in queues if queue not in QUEUES]
    if not queues or unknown:
        raise argparse.ArgumentTypeError(f"must be a comma-separated subset of {','.join(QUEUES)}")
    return queues


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    worker = commands.add_parser(
        "worker",
        help="run background jobs (on PostgreSQL: any number of workers, on any machines)",
        description="Takes jobs from the queue and runs them until SIGTERM or SIGINT, then "
        "finishes the running jobs (those still running after "
        "CLIPSTREAM_WORKER_SHUTDOWN_TIMEOUT_SECONDS are handed back to other workers) and exits.",
    )
    worker.add_argument(
        "--queues",
        type=queue_list,
        default=QUEUES,
        help=f"comma-separated queues to take jobs from (default {','.join(QUEUES)})",
    )
    worker.add_argument(
        "--concurrency",
        type=positive,
        default=None,
        help="jobs run at once (default CLIPSTREAM_WORKER_CONCURRENCY, 1)",
    )
    worker.add_argument(
        "--metrics-port",
        type=port,
        default=None,
        help="serve this worker's Prometheus metrics (job durations) on this port",
    )
    worker.add_argument(
        "--metrics-host", default="127.0.0.1", help="address for --metrics-port (default 127.0.0.1)"
    )
    return worker


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
    require_usable_storage(settings)
    warn_without_mail_server(settings)
    if settings.is_sqlite:
        migrate_database(settings, quiet=True)
    require_current_schema(settings)
    if args.metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(args.metrics_port, addr=args.metrics_host)

    async def main() -> None:
        from entrypoints import composition
        from entrypoints.composition import jobs

        container = composition.build_container(settings)
        await composition.start(container)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):  # finish the running jobs, then stop
            loop.add_signal_handler(signum, stop.set)
        try:
            logger.info("worker starting on queues %s", ",".join(args.queues))
            await jobs.run_worker(container, stop, queues=args.queues, concurrency=args.concurrency)
            logger.info("worker stopped")
        finally:
            await composition.stop(container)

    asyncio.run(main())
