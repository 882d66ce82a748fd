"""`clipstream users set-role USERNAME ROLE`: give an account a role (how the first admin is made)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from entrypoints.cli._common import load_settings, migrate_database

ROLES = ("user", "moderator", "admin")


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    parser = commands.add_parser("users", help="manage accounts")
    actions = parser.add_subparsers(dest="users_command", required=True)
    set_role = actions.add_parser(
        "set-role", help="give an account a role (user, moderator, admin); takes effect at once"
    )
    set_role.add_argument("username", help="the account's username (case-insensitive)")
    set_role.add_argument("role", choices=ROLES)
    return parser


def run(args: argparse.Namespace) -> None:
    settings = load_settings()
    if settings.is_sqlite:
        migrate_database(settings)

    async def main() -> str:
        from domain.errors import NotFound
        from domain.moderation import Role
        from entrypoints import composition

        container = composition.build_container(settings)
        await composition.start(container)
        try:
            user = await container.safety.set_role_by_username().execute(
                args.username, Role(args.role)
            )
        except NotFound as error:
            sys.exit(f"clipstream: {error}")
        finally:
            await composition.stop(container)
        return f"{user.username} is now {user.role.value}"

    print(asyncio.run(main()))
