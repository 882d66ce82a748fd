"""Routes of hashtags: /api/v1/hashtags."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get
from litestar.params import Parameter, SkipValidation

from application.discovery.get_hashtag import GetHashtag
from application.discovery.trending_hashtags import GetTrendingHashtags
from domain.videos import HASHTAG_MAX
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.security import OPTIONAL_SECURITY


class HashtagOut(msgspec.Struct, rename="camel"):
    """A hashtag and how many public ready videos carry it."""

    tag: str
    video_count: int


class TrendingHashtagOut(msgspec.Struct, rename="camel"):
    """A trending hashtag: its public ready videos and their views in the last 24 hours."""

    tag: str
    video_count: int
    recent_views: int


class TrendingHashtagsOut(msgspec.Struct, rename="camel"):
    """The trending hashtags, most viewed first (at most 20)."""

    items: list[TrendingHashtagOut]


TagParameter = Annotated[
    str,
    Parameter(
        min_length=1,
        max_length=HASHTAG_MAX + 1,
        description="The hashtag, with or without '#' (URL-encoded: `%23`), case ignored; the tag "
        "`trending` itself is `%23trending`.",
    ),
]


class HashtagsController(ApiController):
    """Hashtags and the trending ones."""

    path = "/hashtags"
    tags = ["discovery"]

    @get(
        "/trending",
        operation_id="trendingHashtags",
        summary="Trending hashtags",
        description=described_by(GetTrendingHashtags),
        security=OPTIONAL_SECURITY,
        responses=problems(401),
    )
    async def trending(
        self, trending_hashtags: SkipValidation[GetTrendingHashtags]
    ) -> TrendingHashtagsOut:
        entries = await trending_hashtags.execute()
        return TrendingHashtagsOut(
            items=[
                TrendingHashtagOut(e.tag, video_count=e.video_count, recent_views=e.recent_views)
                for e in entries
            ]
        )

    @get(
        "/{tag:str}",
        operation_id="getHashtag",
        summary="A hashtag",
        description=described_by(GetHashtag),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def get_hashtag(
        self, tag: TagParameter, get_hashtag: SkipValidation[GetHashtag]
    ) -> HashtagOut:
        found = await get_hashtag.execute(tag)
        return HashtagOut(tag=found.tag, video_count=found.video_count)
