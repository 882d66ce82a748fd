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
    public_url = settings.public_url or _local_url(args.host, args.port)
    os.environ["CLIPSTREAM_PUBLIC_URL"] = public_url
    os.environ["CLIPSTREAM_LOG_FORMAT"] = settings.log_format  # the worker processes agree
    if not args.no_worker:
        os.environ["CLIPSTREAM_IN_PROCESS_WORKER"] = "true"
    if settings.is_sqlite:  # the embedded default migrates itself; PostgreSQL explicitly
        migrate_database(settings, quiet=True)
    require_current_schema(settings)
    if args.host in _EVERY_ADDRESS and not settings.public_url:
        logger.warning(
            "listening on every address, but upload and media URLs point at %s, which other "
            "devices cannot reach: set CLIPSTREAM_PUBLIC_URL=http://%s:%s (this machine's "
            "address as they see it)",
            public_url,
            _lan_address(),
            args.port,
        )
    logger.info(
        "serving on %s:%s with %s worker(s): %s (API docs at %s/schema)",
        args.host,
        args.port,
        args.workers,
        public_url,
        public_url,
    )

    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        APP_FACTORY,
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=args.workers,
        factory=True,
        log_access=False,
        log_level=LogLevels.warning,  # its start and stop lines are chatter; problems still show
    ).serve()


_EVERY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 - recognised here, not bound to


def _local_url(host: str, port: int) -> str:
    """Where this machine reaches the server (a wildcard address is no address to browse to)."""
    if host in _EVERY_ADDRESS:
        return f"http://127.0.0.1:{port}"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _lan_address() -> str:
    """This machine's address on its network (a UDP socket's route: no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
            return str(probe.getsockname()[0])
    except OSError:
        return "<this machine's address>"


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
