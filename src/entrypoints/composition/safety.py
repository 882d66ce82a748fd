"""`SafetyUseCases`: blocks, reports, moderation, roles (application.safety)."""

from __future__ import annotations

from application.safety.block_user import BlockUser, UnblockUser
from application.safety.list_blocks import ListBlocks
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class SafetyUseCases(Ports):
    """Blocks between accounts."""

    block_user = singleton(BlockUser, Ports.unit_of_work, Ports.clock)
    unblock_user = singleton(UnblockUser, Ports.unit_of_work)
    list_blocks = singleton(ListBlocks, Ports.block_queries)
