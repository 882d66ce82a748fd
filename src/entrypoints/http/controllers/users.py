"""Routes of accounts and profiles: /api/v1/users."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import delete, get, patch, put
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter, SkipValidation
from msgspec import UNSET

from application.auth.results import Principal
from application.common.patch import KEEP
from application.social.follow import FollowCommand, FollowUser, UnfollowUser
from application.social.follower_lists import FollowListQuery, ListFollowers, ListFollowing
from application.users.delete_account import DeleteAccount, DeleteAccountCommand
from application.users.get_me import GetMe, GetMeQuery
from application.users.get_user import GetUser, GetUserQuery
from application.users.search_users import SearchUsers, SearchUsersQuery
from application.users.update_profile import UpdateProfile, UpdateProfileCommand
from application.videos.list_user_videos import ListUserVideos, ListUserVideosQuery
from domain.values import USERNAME_MAX
from entrypoints.http.caching import NO_STORE
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit, audience, viewer_id
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.social import FollowStateOut, UserSummaryPageOut
from entrypoints.http.schemas.users import (
    DeleteAccountIn,
    MeOut,
    UpdateProfileIn,
    UserOut,
    UserPageOut,
    me_out,
    summary_out,
    user_out,
)
from entrypoints.http.schemas.videos import VideoPageOut, video_out
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY


class UsersController(ApiController):
    """Accounts and profiles."""

    path = "/users"
    tags = ["users"]

    @get(
        "/me",
        operation_id="getMe",
        cache_control=NO_STORE,
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
        cache_control=NO_STORE,
        summary="Edit the signed-in account's profile",
        description=described_by(UpdateProfile),
        security=SECURITY,
        responses=problems(401, json_body=True),
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
        responses=problems(401, 403, json_body=True),
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
        profile = await get_user.execute(GetUserQuery(user_id=user_id, viewer=audience(viewer)))
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
        profile = await get_user.execute(GetUserQuery(username=username, viewer=audience(viewer)))
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
                moderator=audience(viewer).moderator,
            )
        )
        return VideoPageOut(
            items=[video_out(v, base_url, audience(viewer)) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )

    @put(
        "/{user_id:uuid}/follow",
        operation_id="followUser",
        summary="Follow an account (idempotent)",
        description=described_by(FollowUser),
        security=SECURITY,
        responses=problems(401, 404, 415, 422),
    )
    async def follow(
        self,
        user_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        follow_user: SkipValidation[FollowUser],
    ) -> FollowStateOut:
        state = await follow_user.execute(
            FollowCommand(follower_id=principal.user_id, followee_id=user_id)
        )
        return FollowStateOut(following=state.following, follower_count=state.follower_count)

    @delete(
        "/{user_id:uuid}/follow",
        operation_id="unfollowUser",
        status_code=200,
        summary="Stop following an account (idempotent)",
        description=described_by(UnfollowUser),
        security=SECURITY,
        responses=problems(401, 404, 415, 422),
    )
    async def unfollow(
        self,
        user_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        unfollow_user: SkipValidation[UnfollowUser],
    ) -> FollowStateOut:
        state = await unfollow_user.execute(
            FollowCommand(follower_id=principal.user_id, followee_id=user_id)
        )
        return FollowStateOut(following=state.following, follower_count=state.follower_count)

    @get(
        "/{user_id:uuid}/followers",
        operation_id="listFollowers",
        summary="Who follows an account, newest first",
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def followers(
        self,
        user_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        list_followers: SkipValidation[ListFollowers],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> UserSummaryPageOut:
        return await _follow_page(list_followers, cursors, user_id, viewer, limit, cursor)

    @get(
        "/{user_id:uuid}/following",
        operation_id="listFollowing",
        summary="Whom an account follows, newest first",
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def following(
        self,
        user_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        list_following: SkipValidation[ListFollowing],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> UserSummaryPageOut:
        return await _follow_page(list_following, cursors, user_id, viewer, limit, cursor)


async def _follow_page(
    use_case: ListFollowers | ListFollowing,
    cursors: CursorCodec,
    user_id: UUID,
    viewer: Principal | None,
    limit: int,
    cursor: str | None,
) -> UserSummaryPageOut:
    page = await use_case.execute(
        FollowListQuery(
            user_id=user_id,
            viewer=audience(viewer),
            limit=limit,
            after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
        )
    )
    return UserSummaryPageOut(
        items=[summary_out(entry.user, entry.is_following) for entry in page.items],
        next_cursor=cursors.encode(page.next_key) if page.next_key else None,
    )
