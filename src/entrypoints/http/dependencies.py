"""Litestar dependencies: every use case of the container by its provider's name, and the caller.

A handler (or a dependency function) receives a use case by naming a parameter like its provider
(`create_video: SkipValidation[CreateVideo]`): the names come from the container, so a new use case
needs no entry here. `check_injections` runs when the app is built: a parameter marked
`SkipValidation` that names no dependency (a typo, which Litestar would otherwise read from the
query string) or receives another class than it declares stops the start with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dependency_injector import providers
from litestar import Litestar, Request
from litestar.di import Provide
from litestar.exceptions import ImproperlyConfiguredException
from litestar.params import SkipValidationMarker
from litestar.routes import HTTPRoute
from litestar.utils.signature import ParsedSignature

from entrypoints.composition import Container
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.security import provide_principal, provide_viewer


def _from(provider: providers.Provider[Any]) -> Provide:
    # Litestar rejects provider objects in signatures, so wrap the call in a plain function.
    # use_cache: use cases are stateless singletons, resolved once and shared by every request.
    def resolve() -> Any:
        return provider()

    return Provide(resolve, sync_to_thread=False, use_cache=True)


def app_dependencies(container: Container) -> dict[str, Provide]:
    """Every service of the container by name, plus the caller (`principal`, `viewer`), the cursor
    codec (`cursors`), the public base URL (`base_url`) and how long an upload body may pause
    (`upload_idle_timeout`, seconds)."""
    dependencies = {name: _from(provider) for name, provider in container.services().items()}
    codec = CursorCodec(container.settings.jwt_secret)
    public_url = container.settings.public_url
    idle_timeout = float(container.settings.upload_idle_timeout_seconds)

    def base_url(request: Request[Any, Any, Any]) -> str:
        return public_url or str(request.base_url).rstrip("/")

    http_layer = {
        "cursors": Provide(lambda: codec, sync_to_thread=False, use_cache=True),
        "base_url": Provide(base_url, sync_to_thread=False),
        "upload_idle_timeout": Provide(lambda: idle_timeout, sync_to_thread=False, use_cache=True),
        "principal": Provide(provide_principal, sync_to_thread=False),
        "viewer": Provide(provide_viewer, sync_to_thread=False),
    }
    if clash := dependencies.keys() & http_layer.keys():
        raise ImproperlyConfiguredException(f"the container provides HTTP dependencies: {clash}")
    return dependencies | http_layer


def check_injections(app: Litestar, services: Mapping[str, providers.Provider[Any]]) -> None:
    """Every parameter marked `SkipValidation` of a route handler or of a dependency names a
    dependency, and a service (use case) is of the class the parameter declares.

    Raises:
        ImproperlyConfiguredException: naming the function and the parameter.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            dependencies = handler.resolve_dependencies()
            signatures = [
                (handler.handler_name, handler.parsed_fn_signature),
                *((name, provide.parsed_fn_signature) for name, provide in dependencies.items()),
            ]
            for owner, signature in signatures:
                for name, declared in _injected(signature):
                    where = f"{route.path} {owner}({name})"
                    if name not in dependencies:
                        raise ImproperlyConfiguredException(
                            f"{where}: no dependency is named {name!r}"
                        )
                    provided = getattr(services.get(name), "cls", None)
                    if (
                        isinstance(provided, type)
                        and isinstance(declared, type)
                        and not issubclass(provided, declared)
                    ):
                        raise ImproperlyConfiguredException(
                            f"{where}: {name!r} is a {provided.__name__}, not a {declared.__name__}"
                        )


def _injected(signature: ParsedSignature) -> Iterator[tuple[str, Any]]:
    """The parameters marked `SkipValidation`, with their declared types."""
    for name, field in signature.parameters.items():
        if any(isinstance(item, SkipValidationMarker) for item in field.metadata):
            yield name, field.annotation
