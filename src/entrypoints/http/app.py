"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Router
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.plugins.problem_details import ProblemDetailsPlugin
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import REGISTRY

from entrypoints import composition
from entrypoints.composition import Container
from entrypoints.composition.jobs import in_background
from entrypoints.http.caching import check_private_responses
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.avatars import AvatarsController
from entrypoints.http.controllers.blocks import BlocksController
from entrypoints.http.controllers.collections import CollectionsController
from entrypoints.http.controllers.comment_pins import CommentPinsController
from entrypoints.http.controllers.comments import CommentsController
from entrypoints.http.controllers.feed import FeedController
from entrypoints.http.controllers.hashtags import HashtagsController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.media import MediaController
from entrypoints.http.controllers.metrics import SKIP_RATE_LIMIT, metrics_router
from entrypoints.http.controllers.moderation import (
    AdminController,
    ModerationController,
    ReportsController,
)
from entrypoints.http.controllers.search import SearchController
from entrypoints.http.controllers.uploads import UploadsController
from entrypoints.http.controllers.users import UsersController
from entrypoints.http.controllers.video_comments import VideoCommentsController
from entrypoints.http.controllers.video_likers import VideoLikersController
from entrypoints.http.controllers.video_likes import VideoLikesController
from entrypoints.http.controllers.video_saves import VideoSavesController
from entrypoints.http.controllers.video_shares import VideoSharesController
from entrypoints.http.controllers.video_views import VideoViewsController
from entrypoints.http.controllers.videos import VideosController
from entrypoints.http.dependencies import app_dependencies, check_injections
from entrypoints.http.docs import DOCS_PATH, swagger_ui, swagger_ui_assets
from entrypoints.http.errors import problem, problem_details_config
from entrypoints.http.middleware.problem_bodies import ProblemBodiesMiddleware
from entrypoints.http.middleware.rate_limit import SharedRateLimitMiddleware
from entrypoints.http.middleware.request_context import RequestContextMiddleware
from entrypoints.http.middleware.security_headers import SecurityHeadersMiddleware
from entrypoints.http.observability import logging_plugin
from entrypoints.http.requests import ApiRequest
from entrypoints.http.schemas.openapi import ConfiguredOpenAPIConfig, StrictStructSchemaPlugin
from entrypoints.http.security import (
    BEARER_AUTH,
    authenticate_as_declared,
    check_route_security,
)

API_PREFIX = "/api/v1"
JSON_BODY_LIMIT = 64 * 1024  # the largest JSON body (a 2200-character caption) is far below this
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_DESCRIPTION = """
Backend of Clipstream, a short-video platform.

Authenticate with `Authorization: Bearer <accessToken>` (from register, login or refresh).
Endpoints marked with an optional lock work anonymously and add viewer-specific fields when a
token is sent; an invalid or expired token is 401 even there.

Errors are RFC 9457 problem details (`application/problem+json`). Lists are keyset-paginated:
`limit` (1..100, default 20) and the opaque `cursor` from the previous page's `nextCursor`.
"""


async def _require_json(request: Request[Any, Any, Any]) -> None:
    """415 for a body that is not JSON (routes that take other bodies opt out with `raw_body`).

    Async on purpose: Litestar runs a synchronous hook on a worker thread, a thread hop per request.
    """
    if request.method not in _BODY_METHODS or request.route_handler.opt.get("raw_body"):
        return
    has_body = (
        request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers
    )
    media_type = request.content_type[0]
    if has_body and not (media_type == "application/json" or media_type.endswith("+json")):
        raise problem(415, "Send the body as JSON with 'Content-Type: application/json'.")


def _openapi_config(max_upload_bytes: int) -> OpenAPIConfig:
    return ConfiguredOpenAPIConfig(
        title="Clipstream API",
        version="1.0.0",
        description=_DESCRIPTION.strip(),
        path=DOCS_PATH,
        render_plugins=[swagger_ui()],
        max_upload_bytes=max_upload_bytes,  # stated as `sizeBytes`' maximum
        components=Components(
            security_schemes={
                BEARER_AUTH: SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
            }
        ),
        tags=[
            Tag(name="auth", description="Accounts and sessions"),
            Tag(name="users", description="Profiles"),
            Tag(name="videos", description="Uploads, playback, editing, likes and views"),
            Tag(name="comments", description="Comments and replies"),
            Tag(name="feeds", description="For You and Following"),
            Tag(name="operations", description="Health and metrics"),
        ],
    )


def _cors_config(origins: tuple[str, ...]) -> CORSConfig | None:
    """Browsers on these origins may call the API (CLIPSTREAM_CORS_ORIGINS); none by default."""
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID", "Range",
            "If-None-Match", "If-Range",
        ],
        expose_headers=[
            "ETag", "Retry-After", "X-Request-ID", "Content-Range", "Accept-Ranges",
            "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy",
        ],
        max_age=600,
    )  # fmt: skip


def create_app(container: Container) -> Litestar:
    """Build the HTTP application on a fully configured container."""
    settings = container.settings

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await composition.start(container)
        metrics = container.adapters.metrics()  # the SQL adapters report on their pool
        for collector in metrics:
            REGISTRY.register(collector)
        # The job queue's state, read when /metrics is scraped (see MetricsController).
        app.state.job_statistics = container.adapters.job_statistics()
        try:
            if settings.in_process_worker:
                async with in_background(container):
                    yield
            else:
                yield
        finally:
            for collector in metrics:
                REGISTRY.unregister(collector)
            await composition.stop(container)

    api = Router(
        path=API_PREFIX,
        route_handlers=[
            AuthController,
            UsersController,
            AvatarsController,
            BlocksController,
            ReportsController,
            ModerationController,
            AdminController,
            VideosController,
            VideoLikesController,
            VideoViewsController,
            VideoCommentsController,
            UploadsController,
            MediaController,
            CommentsController,
            FeedController,
            SearchController,
            HashtagsController,
            VideoSavesController,
            VideoSharesController,
            VideoLikersController,
            CollectionsController,
            CommentPinsController,
        ],
    )
    prometheus = PrometheusConfig(
        app_name="clipstream", prefix="clipstream", group_path=True, exclude=["/metrics"]
    )
    middleware: list[Any] = [prometheus.middleware]
    if settings.rate_limit_per_minute > 0:
        rate_limit = RateLimitConfig(
            rate_limit=("minute", settings.rate_limit_per_minute),
            exclude_opt_key=SKIP_RATE_LIMIT,  # the probes and /metrics, by route (not by name)
            middleware_class=SharedRateLimitMiddleware,  # one atomic count across instances
        )
        middleware.append(rate_limit.middleware)

    authenticate = authenticate_as_declared(container.auth.authenticate)

    async def before_request(request: Request[Any, Any, Any]) -> None:
        """Every request: the body's content type, then the caller as the route declares."""
        await _require_json(request)
        await authenticate(request)

    def configure(app_config: AppConfig) -> AppConfig:
        app_config.debug = False
        return app_config

    app = Litestar(
        route_handlers=[
            api,
            HealthController,
            metrics_router(settings.metrics_allow, settings.metrics_token),
            swagger_ui_assets(),
        ],
        dependencies=app_dependencies(container),
        plugins=[
            ProblemDetailsPlugin(problem_details_config()),
            logging_plugin(settings.log_format),
            StrictStructSchemaPlugin(),
        ],
        cors_config=_cors_config(settings.cors_origins),
        middleware=middleware,
        before_request=before_request,
        lifespan=[lifespan],
        openapi_config=_openapi_config(settings.max_upload_bytes),
        stores=container.core.stores(),
        request_max_body_size=JSON_BODY_LIMIT,
        request_class=ApiRequest,
        on_app_init=[configure],
    )
    check_injections(app, container.services())
    check_route_security(app)
    check_private_responses(app)
    # Around Litestar's whole handler (not per route): routing errors and CORS preflights get a
    # request id, an access-log line and the security headers too.
    app.asgi_handler = RequestContextMiddleware(
        SecurityHeadersMiddleware(
            ProblemBodiesMiddleware(app.asgi_handler), hsts=settings.env == "production"
        ),
        for_console=settings.log_format == "console",
    )
    return app


def create_default_app() -> Litestar:
    """The app on the settings of the environment (what `clipstream serve` runs)."""
    from entrypoints.config import Settings

    settings = Settings.from_env()
    return create_app(composition.build_container(settings))
