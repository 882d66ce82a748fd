"""The ceiling: the benchmark's read endpoints as a bare Litestar app on raw psycopg.

No dependency-injection container, no middleware, no SQLAlchemy per request: a psycopg_pool
AsyncConnectionPool (autocommit, every statement prepared on first use: prepare_threshold=0)
and, per request, EXACTLY the SQL statements that Clipstream issues for the same request, with
the same parameters, answering a msgspec-encoded JSON body of the same shape. The statements are
the app's own (`adapters.sqlalchemy.read_statements`, the one builder of each read), compiled
once at start as the app's PostgreSQL read path compiles them. What the app adds around those
statements (connection checkouts, the write path's pre-pings and BEGIN/ROLLBACK) is left out:
see `bench/capture_sql.py` for the full list per endpoint, and for the check that the app still
issues, per request, the statements the handlers below run.

    .venv/bin/python bench/ceiling.py --port 8100     # served by granian, 1 worker, like the app

Environment: CLIPSTREAM_DATABASE_URL, CLIPSTREAM_JWT_SECRET and CLIPSTREAM_PUBLIC_URL, as the
app reads them (bench/run.py sets them).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
import msgspec
from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Select
from sqlalchemy.engine import make_url

from adapters.postgres.read_pool import CompiledSelect
from adapters.sqlalchemy import feed_statements
from adapters.sqlalchemy import read_statements as statements

API = "/api/v1"
LIMIT = 20  # the default page size of every list
RANKED_WINDOW = timedelta(days=7)  # application.social.feeds.RANKED_WINDOW
POOL_MIN, POOL_MAX = 10, 20  # the app's engine: pool_size 10 + max_overflow 10
CONNECTION_OPTIONS = "-c statement_timeout=5000 -c timezone=UTC"  # as the app's engine
JWT_AUDIENCE, JWT_ISSUER = "clipstream-api", "clipstream"

# --- the app's SQL: its own statements, compiled once at start -------------------------------
_DIALECT = make_url("postgresql+psycopg://").get_dialect()()
_PG = "postgresql"
_VIDEO_VIEWS = statements.video_views(_PG, True)
_COMMENT_VIEWS = statements.comment_views(True)


def _sql(statement: Select[Any]) -> str:
    return CompiledSelect(statement, _DIALECT).sql


_SESSION, _USER = _sql(statements.SESSION_BY_ID), _sql(statements.USER_BY_ID)
_VIDEO = _sql(statements.video_by_id(_PG, True))
STATEMENTS: dict[str, tuple[str, ...]] = {
    "for_you:GET": (_SESSION, _sql(feed_statements.ranked_feed(_PG, True, False))),
    "following:GET": (_SESSION, _sql(feed_statements.following_feed(_PG, False))),
    "video:GET": (_SESSION, _VIDEO),
    "user_videos:GET": (_SESSION, _USER, _sql(statements.videos_of_owner(_PG, True, False, False))),
    "comments:GET": (_SESSION, _VIDEO, _sql(statements.top_level_comments(True, False, False))),
    "me:GET": (_SESSION, _USER),
}
# --- end of the app's SQL ---


class UserSummaryOut(msgspec.Struct, rename="camel"):
    id: str
    username: str
    display_name: str | None
    avatar_url: str | None


class MeOut(UserSummaryOut):
    bio: str | None
    created_at: str
    follower_count: int
    following_count: int
    video_count: int
    like_count: int
    is_following: bool | None
    email: str


class VideoOut(msgspec.Struct, rename="camel"):
    id: str
    author: UserSummaryOut
    caption: str
    hashtags: list[str]
    visibility: str
    status: str
    failure_reason: str | None
    content_type: str
    size_bytes: int
    duration_seconds: float | None
    width: int | None
    height: int | None
    view_count: int
    like_count: int
    comment_count: int
    liked_by_me: bool | None
    created_at: str
    published_at: str | None
    stream_url: str | None


class VideoPageOut(msgspec.Struct, rename="camel"):
    items: list[VideoOut]
    next_cursor: str | None


class CommentOut(msgspec.Struct, rename="camel"):
    id: str
    video_id: str
    parent_id: str | None
    author: UserSummaryOut
    body: str
    reply_count: int
    like_count: int
    liked_by_me: bool | None
    created_at: str
    edited_at: str | None


class CommentPageOut(msgspec.Struct, rename="camel"):
    items: list[CommentOut]
    next_cursor: str | None


Row = Sequence[Any]


def _positions(statement: Select[Any], *names: str) -> tuple[int, ...]:
    """Where the columns `names` are in the rows of `statement`."""
    columns = list(statement.selected_columns.keys())
    return tuple(columns.index(name) for name in names)


# Column positions in the statements' select lists (users' relative to their first column).
U_ID, U_USERNAME, U_EMAIL, U_DISPLAY_NAME, U_BIO, U_AVATAR_URL, U_CREATED_AT = _positions(
    statements.USER_BY_ID, "id", "username", "email", "display_name", "bio", "avatar_url",
    "created_at",
)  # fmt: skip
U_FOLLOWERS, U_FOLLOWING, U_VIDEOS, U_LIKES = _positions(
    statements.USER_BY_ID, "follower_count", "following_count", "video_count", "like_count"
)
V_ID, V_OWNER, V_CAPTION, V_VISIBILITY, V_STATUS, V_FAILURE, V_CONTENT_TYPE, V_SIZE = _positions(
    _VIDEO_VIEWS, "id", "owner_id", "caption", "visibility", "status", "failure_reason",
    "content_type", "size_bytes",
)  # fmt: skip
V_DURATION, V_WIDTH, V_HEIGHT, V_CREATED_AT, V_PUBLISHED_AT = _positions(
    _VIDEO_VIEWS, "duration_seconds", "width", "height", "created_at", "published_at"
)
V_VIEWS, V_LIKES, V_COMMENTS, V_RANK, V_HASHTAGS, V_AUTHOR, V_LIKED = _positions(
    _VIDEO_VIEWS, "view_count", "like_count", "comment_count", "rank", "hashtags",
    f"{statements.AUTHOR_PREFIX}id", statements.LIKED,
)  # fmt: skip
C_ID, C_VIDEO, C_PARENT, C_BODY, C_CREATED_AT, C_EDITED_AT, C_REPLIES, C_LIKES = _positions(
    _COMMENT_VIEWS, "id", "video_id", "parent_id", "body", "created_at", "edited_at",
    "reply_count", "like_count",
)  # fmt: skip
C_AUTHOR, C_LIKED = _positions(_COMMENT_VIEWS, f"{statements.AUTHOR_PREFIX}id", statements.LIKED)
S_USER, S_EXPIRES_AT, S_REVOKED_AT = _positions(
    statements.SESSION_BY_ID, "user_id", "expires_at", "revoked_at"
)


class HttpError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _optional_timestamp(value: datetime | None) -> str | None:
    return None if value is None else _timestamp(value)


def _summary(row: Row, at: int) -> UserSummaryOut:
    return UserSummaryOut(
        str(row[at + U_ID]), row[at + U_USERNAME], row[at + U_DISPLAY_NAME], row[at + U_AVATAR_URL]
    )


class Ceiling:
    """The handlers' shared state: the pool, the token key, the cursor key, the public URL."""

    def __init__(self, conninfo: str, secret: bytes, public_url: str) -> None:
        self.pool = AsyncConnectionPool(
            conninfo,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            kwargs={"autocommit": True, "prepare_threshold": 0, "options": CONNECTION_OPTIONS},
            open=False,
        )
        self._secret = secret
        self._cursor_key = hashlib.sha256(b"clipstream-cursor:" + secret).digest()
        self._stream_base = f"{public_url.rstrip('/')}{API}/videos/"
        self._encoder = msgspec.json.Encoder()

    def json(self, body: msgspec.Struct) -> Response[bytes]:
        return Response(self._encoder.encode(body), media_type="application/json")

    def cursor(self, position: object) -> str:
        payload = msgspec.json.encode(position)
        signature = hmac.new(self._cursor_key, payload, hashlib.sha256).digest()[:12]
        return f"{_b64(payload)}.{_b64(signature)}"

    async def viewer(
        self, conn: AsyncConnection[Any], request: Request[Any, Any, Any], session_sql: str
    ) -> UUID:
        """The signed-in user: a valid access token whose session is active (as the app)."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HttpError(401)
        try:
            if jwt.get_unverified_header(token).get("typ") != "at+jwt":
                raise HttpError(401)
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"], audience=JWT_AUDIENCE, issuer=JWT_ISSUER
            )
            user_id, session_id = UUID(claims["sub"]), UUID(claims["sid"])
        except (jwt.PyJWTError, KeyError, ValueError):
            raise HttpError(401) from None
        rows = await _fetch(conn, session_sql, {"session_id": session_id})
        now = datetime.now(UTC)
        if (
            not rows
            or rows[0][S_USER] != user_id
            or rows[0][S_REVOKED_AT] is not None
            or rows[0][S_EXPIRES_AT] <= now
        ):
            raise HttpError(401)
        return user_id

    def video(self, row: Row) -> VideoOut:
        pairs = row[V_HASHTAGS]
        video_id = str(row[V_ID])
        ready = row[V_STATUS] == "ready"
        return VideoOut(
            id=video_id,
            author=_summary(row, V_AUTHOR),
            caption=row[V_CAPTION],
            hashtags=[tag for _, tag in sorted(pairs)] if pairs else [],
            visibility=row[V_VISIBILITY],
            status=row[V_STATUS],
            failure_reason=row[V_FAILURE],
            content_type=row[V_CONTENT_TYPE],
            size_bytes=row[V_SIZE],
            duration_seconds=row[V_DURATION],
            width=row[V_WIDTH],
            height=row[V_HEIGHT],
            view_count=row[V_VIEWS],
            like_count=row[V_LIKES],
            comment_count=row[V_COMMENTS],
            liked_by_me=row[V_LIKED],
            created_at=_timestamp(row[V_CREATED_AT]),
            published_at=_optional_timestamp(row[V_PUBLISHED_AT]),
            stream_url=f"{self._stream_base}{video_id}/stream" if ready else None,
        )

    def video_page(self, rows: list[Row], key: int) -> VideoPageOut:
        page = rows[:LIMIT]
        more = len(rows) > LIMIT and page
        return VideoPageOut(
            items=[self.video(row) for row in page],
            next_cursor=self.cursor((page[-1][key] or page[-1][V_CREATED_AT], page[-1][V_ID]))
            if more
            else None,
        )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


async def _fetch(conn: AsyncConnection[Any], sql: str, params: dict[str, Any]) -> list[Row]:
    cursor = await conn.execute(sql, params)
    return await cursor.fetchall()


def _visible(row: Row, viewer: UUID) -> bool:
    """domain.videos.Video.is_visible_to: the owner sees all, others ready public/unlisted ones."""
    if row[V_OWNER] == viewer:
        return True
    return row[V_STATUS] == "ready" and row[V_VISIBILITY] in ("public", "unlisted")


def _comment(row: Row) -> CommentOut:
    parent = row[C_PARENT]
    return CommentOut(
        id=str(row[C_ID]),
        video_id=str(row[C_VIDEO]),
        parent_id=None if parent is None else str(parent),
        author=_summary(row, C_AUTHOR),
        body=row[C_BODY],
        reply_count=row[C_REPLIES],
        like_count=row[C_LIKES],
        liked_by_me=row[C_LIKED],
        created_at=_timestamp(row[C_CREATED_AT]),
        edited_at=_optional_timestamp(row[C_EDITED_AT]),
    )


def _ceiling(request: Request[Any, Any, Any]) -> Ceiling:
    ceiling: Ceiling = request.app.state.ceiling
    return ceiling


@get(f"{API}/feed")
async def for_you(request: Request[Any, Any, Any]) -> Response[bytes]:
    app, sql = _ceiling(request), STATEMENTS["for_you:GET"]
    snapshot = datetime.now(UTC)
    async with app.pool.connection() as conn:
        viewer = await app.viewer(conn, request, sql[0])
        window = {"since": snapshot - RANKED_WINDOW, "snapshot": snapshot}
        rows = await _fetch(conn, sql[1], {"viewer_id": viewer, **window, "page_limit": LIMIT + 1})
    if len(rows) <= LIMIT:  # the app would read older videos too: not mirrored here
        raise HttpError(501)
    last = rows[LIMIT - 1]
    return app.json(
        VideoPageOut(
            items=[app.video(row) for row in rows[:LIMIT]],
            next_cursor=app.cursor((snapshot, 0, last[V_RANK], None, last[V_ID])),
        )
    )


@get(f"{API}/feed/following")
async def following(request: Request[Any, Any, Any]) -> Response[bytes]:
    app, sql = _ceiling(request), STATEMENTS["following:GET"]
    async with app.pool.connection() as conn:
        viewer = await app.viewer(conn, request, sql[0])
        params = {"viewer_id": viewer, "page_limit": LIMIT + 1}
        rows = await _fetch(conn, sql[1], params)
    return app.json(app.video_page(rows, V_PUBLISHED_AT))


@get(f"{API}/videos/{{video_id:uuid}}")
async def video(request: Request[Any, Any, Any], video_id: UUID) -> Response[bytes]:
    app, sql = _ceiling(request), STATEMENTS["video:GET"]
    async with app.pool.connection() as conn:
        viewer = await app.viewer(conn, request, sql[0])
        rows = await _fetch(conn, sql[1], {"viewer_id": viewer, "video_id": video_id})
    if not rows or not _visible(rows[0], viewer):
        raise HttpError(404)
    return app.json(app.video(rows[0]))


@get(f"{API}/users/{{user_id:uuid}}/videos")
async def user_videos(request: Request[Any, Any, Any], user_id: UUID) -> Response[bytes]:
    app, sql = _ceiling(request), STATEMENTS["user_videos:GET"]
    async with app.pool.connection() as conn:
        viewer = await app.viewer(conn, request, sql[0])
        if not await _fetch(conn, sql[1], {"user_id": user_id}):
            raise HttpError(404)
        if viewer == user_id:  # the owner's own list is another statement: not mirrored
            raise HttpError(501)
        params = {"viewer_id": viewer, "owner_id": user_id, "page_limit": LIMIT + 1}
        rows = await _fetch(conn, sql[2], params)
    return app.json(app.video_page(rows, V_CREATED_AT))


@get(f"{API}/videos/{{video_id:uuid}}/comments")
async def comments(request: Request[Any, Any, Any], video_id: UUID) -> Response[bytes]:
    app, sql = _ceiling(request), STATEMENTS["comments:GET"]
    async with app.pool.connection() as conn:
        viewer = await app.viewer(conn, request, sql[0])
        videos = await _fetch(conn, sql[1], {"viewer_id": viewer, "video_id": video_id})
        if not videos or not _visible(videos[0], viewer):
            raise HttpError(404)
        params = {"viewer_id": viewer, "video_id": video_id, "page_limit": LIMIT + 1}
        rows = await _fetch(conn, sql[2], params)
    page = rows[:LIMIT]
    next_cursor = None
    if len(rows) > LIMIT:
        next_cursor = app.cursor((page[-1][C_CREATED_AT], page[-1][C_ID]))
    return app.json(CommentPageOut([_comment(row) for row in page], next_cursor))


@get(f"{API}/users/me")
async def me(request: Request[Any, Any, Any]) -> Response[bytes]:
    app, sql = _ceiling(request), STATEMENTS["me:GET"]
    async with app.pool.connection() as conn:
        viewer = await app.viewer(conn, request, sql[0])
        rows = await _fetch(conn, sql[1], {"user_id": viewer})
    if not rows:
        raise HttpError(401)
    row = rows[0]
    return app.json(
        MeOut(
            id=str(row[U_ID]),
            username=row[U_USERNAME],
            display_name=row[U_DISPLAY_NAME],
            avatar_url=row[U_AVATAR_URL],
            bio=row[U_BIO],
            created_at=_timestamp(row[U_CREATED_AT]),
            follower_count=row[U_FOLLOWERS],
            following_count=row[U_FOLLOWING],
            video_count=row[U_VIDEOS],
            like_count=row[U_LIKES],
            is_following=None,
            email=row[U_EMAIL],
        )
    )


@get("/health/ready")
async def ready(request: Request[Any, Any, Any]) -> Response[bytes]:
    async with _ceiling(request).pool.connection() as conn:
        await conn.execute("SELECT 1")
    return Response(b'{"status":"ok"}', media_type="application/json")


def _http_error(_: Request[Any, Any, Any], error: HttpError) -> Response[bytes]:
    return Response(b"", status_code=error.status)


def create_app() -> Litestar:
    """The ceiling app on the settings of the environment (what granian serves)."""
    url = os.environ["CLIPSTREAM_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    public_url = os.environ.get("CLIPSTREAM_PUBLIC_URL", "http://127.0.0.1:8000")
    ceiling = Ceiling(url, os.environ["CLIPSTREAM_JWT_SECRET"].encode(), public_url)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await ceiling.pool.open(wait=True)
        try:
            yield
        finally:
            await ceiling.pool.close()

    return Litestar(
        route_handlers=[for_you, following, video, user_videos, comments, me, ready],
        exception_handlers={HttpError: _http_error},
        lifespan=[lifespan],
        state=State({"ceiling": ceiling}),
        openapi_config=None,
        debug=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the benchmark's ceiling app (granian).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    from granian import Granian  # the same server, interface and worker count as `clipstream serve`
    from granian.constants import Interfaces

    Granian(
        "ceiling:create_app",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main()
