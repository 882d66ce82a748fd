"""Structs of blocks and moderation."""

from __future__ import annotations

from typing import Literal

import msgspec

from domain.moderation import ModerationState

ModerationStateName = Literal["visible", "pending_review", "removed"]


class BlockStateOut(msgspec.Struct, rename="camel"):
    """Whether you now block the account."""

    blocking: bool


class ModerationOut(msgspec.Struct, rename="camel"):
    """The moderation of a video or comment, shown to its author and to moderators only (null for
    everyone else, who never see hidden content): `pending_review` (hidden after reports until a
    moderator looks) or `removed` (by a moderator, with the reason)."""

    state: ModerationStateName
    reason: str | None


def moderation_out(
    state: ModerationState, reason: str | None, *, shown: bool
) -> ModerationOut | None:
    """The `moderation` field: the state and reason when `shown`, else null."""
    if not shown:
        return None
    return ModerationOut(state=state.value, reason=reason)
