"""`clipstream serve`: the HTTP server (granian)."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import secrets
import socket
import sys

from entrypoints.cli._common import (
    load_settings,
    migrate_database,
    port,
    positive,
    require_current_schema,
    require_usable_storage,
)

APP_FACTORY = "entrypoints.http.app:create_default_app"
logger = logging.getLogger("clipstream")


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port, default=8000)
    serve.add_argument("--workers", type=positive, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run background work in-process (run `clipstream worker` separately)",
    )
    return serve


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
    if args.workers > 1 and not settings.redis_url:
        # Each worker process would keep its own rate-limit counts, login lock-outs and view
        # de-duplication: every limit would be N times what it says.
        sys.exit(
            f"clipstream: --workers {args.workers} needs CLIPSTREAM_REDIS_URL (rate limits, "
            "login lock-outs and view counts are shared through Redis); set it, or serve with "
            "--workers 1"
        )
    if not os.environ.get("CLIPSTREAM_JWT_SECRET"):
        # Development without a secret: one random secret for this start, shared by every worker
        # process (production refuses to start without one, see Settings.from_env).
        os.environ["CLIPSTREAM_JWT_SECRET"] = secrets.token_urlsafe(48)
    refuse_a_taken_address(args.host, args.port)
    require_usable_storage(settings)
    os.environ.setdefault("CLIPSTREAM_PUBLIC_URL", f"http://{args.host}:{args.port}")
    if not args.no_worker:
        os.environ["CLIPSTREAM_IN_PROCESS_WORKER"] = "true"
    if settings.is_sqlite:  # the embedded default migrates itself; PostgreSQL explicitly
        migrate_database(settings, quiet=True)
    require_current_schema(settings)
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


def refuse_a_taken_address(host: str, port: int) -> None:
    """Exit in one line when `host:port` cannot be listened on (taken, or not ours to take).

    granian listens with SO_REUSEPORT: a second server on a taken port would start and share its
    connections with the first (two databases behind one address). A socket without that option
    cannot bind while anything else listens there, whoever it is, so this bind says so first.
    SO_REUSEADDR lets it bind over connections of a previous run that are closing (TIME_WAIT).
    """
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        sys.exit(f"clipstream: cannot listen on {where}: {error.strerror} (check --host)")
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                sys.exit(
                    f"clipstream: {where} is already in use (another `clipstream serve` or "
                    "another program): stop it, or serve on another --port"
                )
            sys.exit(f"clipstream: cannot listen on {where}: {error.strerror}")
