"""`clipstream seed`: realistic demo data."""

from __future__ import annotations

import argparse
import asyncio
import sys

from entrypoints.cli._common import load_settings, non_negative, non_negative_float, positive


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    seed = commands.add_parser(
        "seed",
        help="fill an empty database and the storage with realistic demo data",
        description="Realistic demo data: users (one demo password), videos with playable bytes, "
        "follows, likes, comments and replies, views. Counts are totals. On SQLite the database "
        "is migrated first; PostgreSQL needs `clipstream migrate` first.",
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
    return seed


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
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
