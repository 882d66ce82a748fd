"""The `clipstream` command line: serve, migrate, seed, worker."""

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


def _non_negative(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if not 0 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be between 0 and 1000")
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
    seed = commands.add_parser(
        "seed",
        help="fill an empty database and the storage with realistic demo data",
        description="Realistic demo data: users (one demo password), videos with playable bytes, "
        "follows, likes, comments and replies, views. Counts are totals. On SQLite the database "
        "is migrated first; PostgreSQL needs `clipstream migrate` first.",
    )
    seed.add_argument("--users", type=_positive, default=200, help="users (default 200)")
    seed.add_argument(
        "--videos-per-user",
        type=_non_negative_float,
        default=3.0,
        help="average videos per user (default 3)",
    )
    seed.add_argument(
        "--likes", type=_non_negative, default=5000, help="video likes (default 5000)"
    )
    seed.add_argument(
        "--comments", type=_non_negative, default=1500, help="comments and replies (default 1500)"
    )
    seed.add_argument("--follows", type=_non_negative, default=1500, help="follows (default 1500)")
    seed.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    seed.add_argument(
        "--password", default="password123", help="every demo user's password (default password123)"
    )
    seed.add_argument(
        "--append",
        action="store_true",
        help="add to a database that already has users (usernames get a random run tag)",
    )
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


def _seed(args: argparse.Namespace) -> None:
    settings = _load_settings()
    from entrypoints.seed import SeedError, SeedOptions, run_seed

    options = SeedOptions(
        users=args.users,
        videos_per_user=args.videos_per_user,
        likes=args.likes,
        comments=args.comments,
        follows=args.follows,
        seed=args.seed,
        password=args.password,
        append=args.append,
    )
    try:
        asyncio.run(run_seed(settings, options))
    except SeedError as error:
        sys.exit(f"clipstream seed: {error}")


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        _serve(args)
    elif args.command == "worker":
        _worker()
    elif args.command == "seed":
        _seed(args)
    elif args.command == "migrate":
        settings = _load_settings()
        _migrate(settings)
        logger.info("database schema is at the newest revision")


if __name__ == "__main__":
    main()
