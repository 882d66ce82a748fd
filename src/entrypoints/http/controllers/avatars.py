"""Routes of avatars: PUT and DELETE /api/v1/users/me/avatar, GET /api/v1/users/{id}/avatar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Request, Response, delete, get, head, put
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath, QueryParameter, SkipValidation

from application.auth.results import Principal
from application.users.get_avatar import GetAvatar, GetAvatarQuery
from application.users.remove_avatar import RemoveAvatar, RemoveAvatarCommand
from application.users.set_avatar import SetAvatar, SetAvatarCommand
from domain.media import AVATAR_CONTENT_TYPES, AVATAR_MAX_BYTES
from entrypoints.http.caching import NO_STORE
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.media_responses import IMMUTABLE, SHORT, bytes_response, media_responses
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.users import MeOut, me_out
from entrypoints.http.security import SECURITY

DEFAULT_SIZE: Literal[512] = 512
AvatarSize = Annotated[
    Literal[64, 128, 512],
    QueryParameter(description="The side of the square picture in pixels (default 512)."),
]  # the domain's AVATAR_SIZES (the avatar tests ask for each)
AvatarVersion = Annotated[
    str | None,
    QueryParameter(
        max_length=64,
        description="The picture's version, as `avatarUrl` carries it: when it names the current "
        "picture, the answer may be cached for good.",
    ),
]


@dataclass
class _PictureBodyOperation(Operation):
    """The picture's bytes in the document: Litestar documents only bodies it decodes itself."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                kind: OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                )
                for kind in AVATAR_CONTENT_TYPES
            },
            description=f"The picture's bytes (at most {AVATAR_MAX_BYTES} bytes).",
            required=True,
        )


class AvatarsController(ApiController):
    """Avatar pictures uploaded to this API."""

    path = "/users"
    tags = ["users"]

    @put(
        "/me/avatar",
        operation_id="setAvatar",
        summary="Upload an avatar picture",
        description=described_by(SetAvatar),
        security=SECURITY,
        request_max_body_size=AVATAR_MAX_BYTES,
        cache_control=NO_STORE,
        opt={"raw_body": True},
        operation_class=_PictureBodyOperation,
        responses=problems(401, 413, 415, 422),
    )
    async def set_avatar(
        self,
        request: Request[Any, Any, Any],
        principal: SkipValidation[Principal],
        set_avatar: SkipValidation[SetAvatar],
    ) -> MeOut:
        user = await set_avatar.execute(
            SetAvatarCommand(
                user_id=principal.user_id,
                content_type=request.headers.get("content-type", ""),
                data=await request.body(),
            )
        )
        return me_out(user)

    @delete(
        "/me/avatar",
        operation_id="removeAvatar",
        status_code=204,
        summary="Remove the avatar",
        description=described_by(RemoveAvatar),
        security=SECURITY,
        responses=problems(401, 415),
    )
    async def remove_avatar(
        self, principal: SkipValidation[Principal], remove_avatar: SkipValidation[RemoveAvatar]
    ) -> None:
        await remove_avatar.execute(RemoveAvatarCommand(user_id=principal.user_id))

    @get(
        "/{user_id:uuid}/avatar",
        operation_id="getAvatar",
        summary="A user's avatar picture",
        description=described_by(GetAvatar),
        responses={**problems(404), **media_responses("image/jpeg", redirects=False, ranges=False)},
    )
    async def get_avatar(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        get_avatar: SkipValidation[GetAvatar],
        size: AvatarSize = DEFAULT_SIZE,
        v: AvatarVersion = None,
    ) -> Response[bytes]:
        return await _avatar(request, user_id, get_avatar, size, v)

    @head(
        "/{user_id:uuid}/avatar",
        operation_id="getAvatarHead",
        summary="Headers of a user's avatar picture",
        description="`GET /users/{id}/avatar` without the body.",
        responses={**problems(404), **media_responses("image/jpeg", redirects=False, ranges=False)},
    )
    async def get_avatar_head(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        get_avatar: SkipValidation[GetAvatar],
        size: AvatarSize = DEFAULT_SIZE,
        v: AvatarVersion = None,
    ) -> Response[None]:
        return await _avatar(request, user_id, get_avatar, size, v)


async def _avatar(
    request: Request[Any, Any, Any],
    user_id: UUID,
    get_avatar: GetAvatar,
    size: int,
    version: str | None,
) -> Response[Any]:
    avatar = await get_avatar.execute(GetAvatarQuery(user_id=user_id, size=size))
    current = version is not None and avatar.etag.startswith(f'"{version}-')
    return bytes_response(
        request,
        avatar.data,
        content_type=avatar.content_type,
        etag=avatar.etag,
        cache_control=f"public, {IMMUTABLE if current else SHORT}",
    )
