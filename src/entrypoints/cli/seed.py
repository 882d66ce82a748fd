"""`clipstream seed`: realistic demo data."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from entrypoints.cli._common import load_settings, non_negative, non_negative_float, positive
from entrypoints.config import Settings

if TYPE_CHECKING:
    from entrypoints.seed import SeedOptions


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    seed = commands.add_parser(
        "seed",
        help="fill an empty database and the storage with realistic demo data",
        description="Realistic demo data: users (one demo password, avatars), videos processed like uploads "
        "(poster, HLS renditions, MP4), "
        "follows, likes, comments and replies, views. Counts are totals. On SQLite the database "
        "is migrated first; PostgreSQL needs `clipstream migrate` first. Ctrl-C (or SIGTERM) "
        "stops it: nothing is kept, and the video files it wrote are removed.",
    )
    seed.add_argument("--users", type=positive, default=200, help="users (default 200)")
    seed.add_argument(
        "--videos-per-user",
        type=non_negative_float,
        default=3.0,
        help="average videos per user (default 3)",
    )
    seed.add_argument("--likes", type=non_negative, default=5000, help="video likes (default 5000)")
    seed.add_argument(
        "--comments", type=non_negative, default=1500, help="comments and replies (default 1500)"
    )
    seed.add_argument("--follows", type=non_negative, default=1500, help="follows (default 1500)")
    seed.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    seed.add_argument(
        "--password", default="password123", help="every demo user's password (default password123)"
    )
    seed.add_argument(
        "--append",
        action="store_true",
        help="add to a database that already has users (usernames get a random run tag)",
    )
    seed.add_argument(
        "--no-media",
        dest="media",
        action="store_false",
        help="skip media: videos keep only their original (played as uploaded: no poster, HLS or "
        "renditions) and users get no avatar; for large benchmark data sets",
    )
    seed.add_argument(
        "--remove-objects",
        metavar="LISTING",
        type=Path,
        help="only delete the storage objects listed in LISTING (one key a line): what a stopped "
        "run could not remove itself, as it said",
    )
    return seed


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
    from entrypoints.seed import SeedError, SeedInterrupted, SeedOptions, remove_objects

    try:
        if args.remove_objects is not None:
            asyncio.run(remove_objects(settings, args.remove_objects, out=_say))
            return
        options = SeedOptions(
            users=args.users,
            videos_per_user=args.videos_per_user,
            likes=args.likes,
            comments=args.comments,
            follows=args.follows,
            seed=args.seed,
            password=args.password,
            append=args.append,
            media=args.media,
        )
        asyncio.run(_seed(settings, options))
    except SeedInterrupted as stopped:
        print(f"clipstream seed: {stopped}", file=sys.stderr, flush=True)
        sys.exit(128 + signal.Signals[stopped.signal_name].value)
    except KeyboardInterrupt:  # Ctrl-C while starting, before the run could watch for it
        print("clipstream seed: stopped before anything was written", file=sys.stderr, flush=True)
        sys.exit(128 + signal.SIGINT.value)
    except (SeedError, OSError) as error:
        sys.exit(f"clipstream seed: {error}")


async def _seed(settings: Settings, options: SeedOptions) -> None:
    from rich.console import Console

    from entrypoints.seed import run_seed
    from entrypoints.seed.interrupts import StopSignals
    from entrypoints.seed.progress import PlainReporter, Reporter, RichReporter

    task = asyncio.current_task()
    assert task is not None
    console = Console()
    with ExitStack() as stack:
        stop = stack.enter_context(StopSignals(task))
        reporter: Reporter
        out: Callable[[str], None]
        if console.is_terminal:  # bars; plain lines when piped or logged
            reporter = stack.enter_context(RichReporter(console))
            out = reporter.line
        else:
            reporter = PlainReporter(_say)
            out = _say
        await run_seed(settings, options, out=out, reporter=reporter, interrupts=stop)
        if stop.received is not None:
            out(
                f"({stop.received} arrived while the data was being committed: the seed is complete)"
            )


def _say(line: str) -> None:
    print(line, flush=True)
