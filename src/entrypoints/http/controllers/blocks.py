"""Routes of blocks: PUT and DELETE /api/v1/users/{id}/block, GET /api/v1/users/me/blocks."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import delete, get, put
from litestar.params import FromPath, SkipValidation

from application.auth.results import Principal
from application.safety.block_user import BlockCommand, BlockUser, UnblockUser
from application.safety.list_blocks import ListBlocks, ListBlocksQuery
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.safety import BlockStateOut
from entrypoints.http.schemas.social import UserSummaryPageOut
from entrypoints.http.schemas.users import summary_out
from entrypoints.http.security import SECURITY


class BlocksController(ApiController):
    """Blocking accounts."""

    path = "/users"
    tags = ["safety"]

    @put(
        "/{user_id:uuid}/block",
        operation_id="blockUser",
        summary="Block an account (idempotent)",
        description=described_by(BlockUser),
        security=SECURITY,
        responses=problems(401, 404, 415, 422),
    )
    async def block(
        self,
        user_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        block_user: SkipValidation[BlockUser],
    ) -> BlockStateOut:
        blocking = await block_user.execute(
            BlockCommand(blocker_id=principal.user_id, blocked_id=user_id)
        )
        return BlockStateOut(blocking=blocking)

    @delete(
        "/{user_id:uuid}/block",
        operation_id="unblockUser",
        status_code=200,
        summary="Unblock an account (idempotent)",
        description=described_by(UnblockUser),
        security=SECURITY,
        responses=problems(401, 404, 415, 422),
    )
    async def unblock(
        self,
        user_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        unblock_user: SkipValidation[UnblockUser],
    ) -> BlockStateOut:
        blocking = await unblock_user.execute(
            BlockCommand(blocker_id=principal.user_id, blocked_id=user_id)
        )
        return BlockStateOut(blocking=blocking)

    @get(
        "/me/blocks",
        operation_id="listBlocks",
        summary="The accounts you block, newest block first",
        description=described_by(ListBlocks),
        security=SECURITY,
        responses=problems(401),
    )
    async def list_blocks(
        self,
        principal: SkipValidation[Principal],
        list_blocks: SkipValidation[ListBlocks],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> UserSummaryPageOut:
        page = await list_blocks.execute(
            ListBlocksQuery(
                blocker_id=principal.user_id,
                limit=limit,
                after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
            )
        )
        return UserSummaryPageOut(
            items=[summary_out(entry.user, False) for entry in page.items],  # a block ends follows
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )
