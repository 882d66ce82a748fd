"""The composition root: the only place that knows which adapter implements which port.

`Core` (settings, clock, ids, security, shared state), one adapter set (`MemoryAdapters` or
`SqlAdapters`), the shared services of `application.common` (`Common`) and one use-case container
per feature (`auth`, `users`, `videos`, `social`, `discovery`, `maintenance`, `health`). Every
provider is typed with the port it provides and every use case is wired with `singleton`, so mypy
checks the whole graph. A new feature adds a module with its container (a subclass of `Ports`) and a field here.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dependency_injector import containers, providers

from entrypoints.composition.adapter_set import AdapterSet
from entrypoints.composition.auth import AuthUseCases
from entrypoints.composition.common import Common
from entrypoints.composition.core import Core, share_in_redis
from entrypoints.composition.discovery import DiscoveryUseCases
from entrypoints.composition.health import HealthUseCases
from entrypoints.composition.maintenance import MaintenanceUseCases
from entrypoints.composition.memory import MemoryAdapters
from entrypoints.composition.ports import CommonServices, CorePorts, Ports, StoragePorts
from entrypoints.composition.safety import SafetyUseCases
from entrypoints.composition.social import SocialUseCases
from entrypoints.composition.sql import SqlAdapters
from entrypoints.composition.users import UserUseCases
from entrypoints.composition.videos import VideoUseCases
from entrypoints.config import Settings

__all__ = ["Container", "build_container", "start", "stop"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Container:
    """The whole application. Build it with `build_container`."""

    settings: Settings
    core: Core
    adapters: AdapterSet
    common: Common
    auth: AuthUseCases
    users: UserUseCases
    videos: VideoUseCases
    social: SocialUseCases
    safety: SafetyUseCases
    discovery: DiscoveryUseCases
    maintenance: MaintenanceUseCases
    health: HealthUseCases

    def services(self) -> dict[str, providers.Provider[Any]]:
        """Every shared service and use case by its name (what the HTTP layer injects): what the
        feature containers declare, not the ports they are built from nor `_private` helpers.

        Raises:
            ValueError: two containers declare the same name.
        """
        found: dict[str, providers.Provider[Any]] = {}
        for field, declaration in _service_declarations().items():
            container = getattr(self, field)
            for name in declaration.cls_providers:
                if name.startswith("_"):
                    continue
                if name in found:
                    raise ValueError(f"two containers provide {name!r}")
                found[name] = getattr(container, name)
        return found


@functools.cache
def _service_declarations() -> dict[str, type[Ports]]:
    """The fields of `Container` that hold a service container (`Common`, each feature's)."""
    return {
        field: declared
        for field, declared in typing.get_type_hints(Container).items()
        if isinstance(declared, type) and issubclass(declared, Ports)
    }


def build_container(settings: Settings, *, storage: str = "sql") -> Container:
    """A container on the SQL adapters (`storage="sql"`) or the in-memory ones (`"memory"`)."""
    core = Core(settings=settings)
    if settings.redis_url:  # state shared by every instance
        share_in_redis(core)
    adapters: AdapterSet
    if storage == "memory":
        adapters = MemoryAdapters(core=core)
    elif storage == "sql":
        adapters = SqlAdapters(core=core)
    else:
        raise ValueError(f"unknown storage {storage!r}")
    ports = {**_slots(core, CorePorts), **_slots(adapters, StoragePorts)}
    common = Common(**ports)
    ports |= _slots(common, CommonServices)
    return Container(
        settings=settings,
        core=core,
        adapters=adapters,
        common=common,
        auth=AuthUseCases(**ports),
        users=UserUseCases(**ports),
        videos=VideoUseCases(**ports),
        social=SocialUseCases(**ports),
        safety=SafetyUseCases(**ports),
        discovery=DiscoveryUseCases(**ports),
        maintenance=MaintenanceUseCases(**ports),
        health=HealthUseCases(**ports),
    )


def _slots(
    source: containers.Container, declaration: type[containers.DeclarativeContainer]
) -> Mapping[str, providers.Provider[Any]]:
    """The providers of `source` that fill the slots `declaration` declares, by name."""
    return {name: getattr(source, name) for name in declaration.providers}


async def start(container: Container) -> None:
    """Start the async resources of the adapters (awaited in the app's lifespan)."""
    result = container.adapters.init_resources()
    if inspect.isawaitable(result):
        await result


async def stop(container: Container) -> None:
    """Stop the async resources of the adapters (awaited in the app's lifespan)."""
    result = container.adapters.shutdown_resources()
    if inspect.isawaitable(result):
        await result
    if container.settings.redis_url:
        await container.core.redis().aclose()
