"""Routes of accounts and profiles: /api/v1/users."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter, SkipValidation
from msgspec import UNSET

from application.auth.results import Principal
from application.users.delete_account import DeleteAccount, DeleteAccountCommand
from application.users.get_me import GetMe, GetMeQuery
from application.users.get_user import GetUser, GetUserQuery
from application.users.keep import KEEP
from application.users.search_users import SearchUsers, SearchUsersQuery
from application.users.update_profile import UpdateProfile, UpdateProfileCommand
from application.videos.list_user_videos import ListUserVideos, ListUserVideosQuery
from domain.values import USERNAME_MAX
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit, viewer_id
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.users import (
    DeleteAccountIn,
    MeOut,
    UpdateProfileIn,
    UserOut,
    UserPageOut,
    me_out,
    user_out,
)
from entrypoints.http.schemas.videos import VideoPageOut, video_out
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY


class UsersController(Controller):
    """Accounts and profiles."""

    path = "/users"
    tags = ["users"]

    @get(
        "/me",
        operation_id="getMe",
        summary="The signed-in account",
        security=SECURITY,
        responses=problems(401),
    )
    async def get_me(
        self, principal: SkipValidation[Principal], get_me: SkipValidation[GetMe]
    ) -> MeOut:
        return me_out(await get_me.execute(GetMeQuery(user_id=principal.user_id)))

    @patch(
        "/me",
        operation_id="updateMe",
        summary="Edit the signed-in account's profile",
        description=described_by(UpdateProfile),
        security=SECURITY,
        responses=problems(401, 422),
    )
    async def update_me(
        self,
        data: JSONBody[UpdateProfileIn],
        principal: SkipValidation[Principal],
        update_profile: SkipValidation[UpdateProfile],
    ) -> MeOut:
        user = await update_profile.execute(
            UpdateProfileCommand(
                user_id=principal.user_id,
                display_name=KEEP if data.display_name is UNSET else data.display_name,
                bio=KEEP if data.bio is UNSET else data.bio,
                avatar_url=KEEP if data.avatar_url is UNSET else data.avatar_url,
            )
        )
        return me_out(user)

    @delete(
        "/me",
        operation_id="deleteMe",
        status_code=204,
        summary="Delete the signed-in account",
        description=described_by(DeleteAccount),
        security=SECURITY,
        responses=problems(401, 403, 422),
    )
    async def delete_me(
        self,
        data: JSONBody[DeleteAccountIn],
        principal: SkipValidation[Principal],
        delete_account: SkipValidation[DeleteAccount],
    ) -> None:
        await delete_account.execute(
            DeleteAccountCommand(user_id=principal.user_id, password=data.password)
        )

    @get(
        "/",
        operation_id="searchUsers",
        summary="Find users by username prefix",
        description=described_by(SearchUsers),
        security=OPTIONAL_SECURITY,
        responses=problems(401),
    )
    async def search(
        self,
        q: Annotated[
            str,
            QueryParameter(
                min_length=1,
                max_length=USERNAME_MAX,
                description="Username prefix (case-insensitive).",
            ),
        ],
        viewer: SkipValidation[Principal | None],
        search_users: SkipValidation[SearchUsers],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> UserPageOut:
        after = cursors.decode(cursor, str) if cursor else None
        page = await search_users.execute(
            SearchUsersQuery(prefix=q, limit=limit, after=after, viewer_id=viewer_id(viewer))
        )
        return UserPageOut(
            items=[user_out(profile) for profile in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key is not None else None,
        )

    @get(
        "/{user_id:uuid}",
        operation_id="getUser",
        summary="A profile by id",
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def get_user(
        self,
        user_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        get_user: SkipValidation[GetUser],
    ) -> UserOut:
        profile = await get_user.execute(GetUserQuery(user_id=user_id, viewer_id=viewer_id(viewer)))
        return user_out(profile)

    @get(
        "/by-username/{username:str}",
        operation_id="getUserByUsername",
        summary="A profile by username (case-insensitive)",
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def get_user_by_username(
        self,
        username: Annotated[str, PathParameter(min_length=1, max_length=USERNAME_MAX)],
        viewer: SkipValidation[Principal | None],
        get_user: SkipValidation[GetUser],
    ) -> UserOut:
        profile = await get_user.execute(
            GetUserQuery(username=username, viewer_id=viewer_id(viewer))
        )
        return user_out(profile)

    @get(
        "/{user_id:uuid}/videos",
        operation_id="listUserVideos",
        summary="A user's videos, newest first",
        description=described_by(ListUserVideos),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def list_videos(
        self,
        user_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        list_user_videos: SkipValidation[ListUserVideos],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VideoPageOut:
        page = await list_user_videos.execute(
            ListUserVideosQuery(
                user_id=user_id,
                limit=limit,
                after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
                viewer_id=viewer_id(viewer),
            )
        )
        return VideoPageOut(
            items=[video_out(v, base_url) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )
