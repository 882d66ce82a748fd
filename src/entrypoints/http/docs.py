"""The interactive API documentation at /schema, served entirely by this app (no CDN).

Swagger UI's files come from the `swagger-ui-bundle-v2` package (the Swagger UI 5 dist, which renders
OpenAPI 3.1) and are served under /schema/swagger-ui-<version>/, a versioned path, so browsers may
cache them for long.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

DOCS_PATH = "/schema"
_ASSETS_DIR = Path(str(swagger_ui_path))
ASSETS_PATH = f"{DOCS_PATH}/{_ASSETS_DIR.name}"  # e.g. /schema/swagger-ui-5.31.0
_ASSET_NAMES = frozenset(path.name for path in _ASSETS_DIR.iterdir() if path.is_file())


def swagger_ui() -> SwaggerRenderPlugin:
    """The Swagger UI page, loading its scripts, styles and icon from `ASSETS_PATH`."""
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f'<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png">',
    )


def _known_asset(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """404 for anything but a file of the bundle, before the file system is asked: a name with a
    NUL byte or thousands of characters makes the file system raise instead of answering."""
    if str(connection.path_params.get("file_path", "")).lstrip("/") not in _ASSET_NAMES:
        raise NotFoundException()


def swagger_ui_assets() -> Router:
    """GET/HEAD of the Swagger UI files (not part of the API, so not in the OpenAPI document)."""
    return create_static_files_router(
        guards=[_known_asset],
        path=ASSETS_PATH,
        directories=[_ASSETS_DIR],
        name="swagger-ui-assets",
        cache_control=CacheControlHeader(max_age=7 * 24 * 3600, public=True),
        include_in_schema=False,
    )
