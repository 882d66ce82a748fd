"""Adapters name the ports they implement, and implement every member of them.

An adapter inherits its port (`class SqlVideoRepository(VideoRepository)`) so that mypy checks it at
its class definition. Inheriting a Protocol has one trap: a method the adapter forgets falls back to
the Protocol's empty body, which returns None at run time, and mypy reports it only where the class
is instantiated in type-checked code. These tests close that gap for every adapter at once.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Protocol

import pytest

import adapters
import application.ports


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        yield importlib.import_module(info.name)


def _classes(package: ModuleType) -> list[type]:
    """The classes defined (not merely imported) in the package's modules."""
    return [
        value
        for module in _modules(package)
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__
    ]


def _is_protocol(cls: type) -> bool:
    return Protocol in cls.__bases__


def _members(port: type) -> set[str]:
    """What a port declares in its own body: methods, properties and annotated attributes."""
    prefix = f"{port.__qualname__}."
    declared = set(inspect.get_annotations(port))
    for name, value in vars(port).items():
        function = value.fget if isinstance(value, property) else value
        if inspect.isfunction(function) and function.__qualname__ == prefix + name:
            declared.add(name)
    return declared


PORTS = sorted(
    (cls for cls in _classes(application.ports) if _is_protocol(cls)), key=lambda c: c.__name__
)
ADAPTERS = sorted(
    (cls for cls in _classes(adapters) if not _is_protocol(cls)), key=lambda c: c.__name__
)
NAMED = [(adapter, port) for adapter in ADAPTERS for port in PORTS if port in adapter.__mro__]


def _provider(adapter: type, name: str) -> type | None:
    """The first class in the adapter's MRO that defines `name` (None when none does)."""
    for cls in adapter.__mro__:
        if name in vars(cls) or name in inspect.get_annotations(cls):
            return cls
    return None


def test_the_ports_and_their_adapters_are_found() -> None:
    assert len(PORTS) >= 20
    assert len(NAMED) >= 30
    assert all(_members(port) for port in PORTS)


@pytest.mark.parametrize(
    ("adapter", "port"), NAMED, ids=[f"{a.__name__}-{p.__name__}" for a, p in NAMED]
)
def test_an_adapter_defines_every_member_of_the_port_it_names(adapter: type, port: type) -> None:
    inherited_from_a_protocol = {
        name
        for name in _members(port)
        if (provider := _provider(adapter, name)) is None or _is_protocol(provider)
    }
    assert not inherited_from_a_protocol
    assert not inspect.isabstract(adapter)


@pytest.mark.parametrize("port", PORTS, ids=[p.__name__ for p in PORTS])
def test_every_port_has_an_adapter_that_names_it(port: type) -> None:
    assert any(named is port for _, named in NAMED)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=[a.__name__ for a in ADAPTERS])
def test_an_adapter_with_the_shape_of_a_port_names_it(adapter: type) -> None:
    unnamed = [
        port.__name__
        for port in PORTS
        if port not in adapter.__mro__
        and all(_provider(adapter, name) is not None for name in _members(port))
    ]
    assert not unnamed
