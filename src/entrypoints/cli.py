"""The `clipstream` command line: serve, migrate, worker."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import sys
from collections.abc import Sequence

from entrypoints.config import Settings, SettingsError

APP_FACTORY = "entrypoints.http.app:create_default_app"
logger = logging.getLogger("clipstream")


def _load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        sys.exit(f"clipstream: {error}")


def _migrate(settings: Settings) -> None:
    from adapters.sqlalchemy.migrate import upgrade_to_head

    upgrade_to_head(settings.database_url)


def _serve(args: argparse.Namespace) -> None:
    settings = _load_settings()
    if not os.environ.get("CLIPSTREAM_JWT_SECRET"):
        # Development without a secret: one random secret for this start, shared by every worker
        # process (production refuses to start without one, see Settings.from_env).
        os.environ["CLIPSTREAM_JWT_SECRET"] = secrets.token_urlsafe(48)
    os.environ.setdefault("CLIPSTREAM_PUBLIC_URL", f"http://{args.host}:{args.port}")
    if not args.no_worker:
        os.environ["CLIPSTREAM_IN_PROCESS_WORKER"] = "true"
    if settings.is_sqlite:
        _migrate(settings)  # the embedded default migrates itself; PostgreSQL migrates explicitly
    logger.info("serving on http://%s:%s with %s worker(s)", args.host, args.port, args.workers)

    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        APP_FACTORY,
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers,
        factory=True,
        log_access=False,
    ).serve()


def _port(raw: str) -> int:
    port = int(raw)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return port


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clipstream", description="Clipstream backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--workers", type=_positive, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run background work in-process (run `clipstream worker` separately)",
    )
    commands.add_parser("migrate", help="upgrade the database schema to the newest revision")
    commands.add_parser(
        "worker", help="run background work: expire abandoned uploads, retry storage deletions"
    )
    return parser


def _worker() -> None:
    settings = _load_settings()
    if settings.is_sqlite:
        _migrate(settings)

    async def main() -> None:
        from entrypoints import container as composition
        from entrypoints import worker

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


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        _serve(args)
    elif args.command == "worker":
        _worker()
    elif args.command == "migrate":
        settings = _load_settings()
        _migrate(settings)
        logger.info("database schema is at the newest revision")


if __name__ == "__main__":
    main()
