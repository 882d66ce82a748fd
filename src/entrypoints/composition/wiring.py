"""`Slot`, `singleton`, `factory` and `listed`: dependency-injector's providers, with every argument checked.

`providers.Singleton(Register, a, b)` accepts any arguments: a provider of the wrong port, or
arguments in the wrong order, are found only when the object is built. `singleton(Register, a, b)`
builds the same provider, but its signature ties each provider's type to the parameter it fills,
so mypy rejects a wiring that does not match the constructor (a port the adapter set does not
provide, a `Clock` where a `PasswordHasher` belongs, one argument too many or too few).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, overload

from dependency_injector import providers

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")
F = TypeVar("F")
G = TypeVar("G")


class Slot(Protocol[T_co]):
    """A provider seen from where it is used: calling it gives a `T_co`.

    dependency-injector's `Provider[T]` is invariant, so a `Singleton[MemoryVideoQueries]` is not a
    `Provider[VideoQueries]`; a slot is covariant, so the adapter's provider fills its port's slot
    (and mypy still rejects an adapter that does not implement the port).
    """

    def __call__(self) -> T_co: ...


@overload
def singleton(build: Callable[[], T], /) -> providers.Singleton[T]: ...
@overload
def singleton(build: Callable[[A], T], a: Slot[A], /) -> providers.Singleton[T]: ...
@overload
def singleton(build: Callable[[A, B], T], a: Slot[A], b: Slot[B], /) -> providers.Singleton[T]: ...
@overload
def singleton(
    build: Callable[[A, B, C], T],
    a: Slot[A],
    b: Slot[B],
    c: Slot[C],
    /,
) -> providers.Singleton[T]: ...
@overload
def singleton(
    build: Callable[[A, B, C, D], T],
    a: Slot[A],
    b: Slot[B],
    c: Slot[C],
    d: Slot[D],
    /,
) -> providers.Singleton[T]: ...
@overload
def singleton(
    build: Callable[[A, B, C, D, E], T],
    a: Slot[A],
    b: Slot[B],
    c: Slot[C],
    d: Slot[D],
    e: Slot[E],
    /,
) -> providers.Singleton[T]: ...
@overload
def singleton(
    build: Callable[[A, B, C, D, E, F], T],
    a: Slot[A],
    b: Slot[B],
    c: Slot[C],
    d: Slot[D],
    e: Slot[E],
    f: Slot[F],
    /,
) -> providers.Singleton[T]: ...
@overload
def singleton(
    build: Callable[[A, B, C, D, E, F, G], T],
    a: Slot[A],
    b: Slot[B],
    c: Slot[C],
    d: Slot[D],
    e: Slot[E],
    f: Slot[F],
    g: Slot[G],
    /,
) -> providers.Singleton[T]: ...
def singleton(build: Callable[..., T], /, *args: Slot[Any]) -> providers.Singleton[T]:
    """One shared `build(*args)`, each argument the value of its provider (resolved on first use)."""
    return providers.Singleton(build, *args)


def _bind(build: Callable[[A], T], a: A) -> Callable[[], T]:
    return functools.partial(build, a)


def factory(build: Callable[[A], T], a: Slot[A], /) -> providers.Provider[Callable[[], T]]:
    """A provider of a factory: each call of the factory makes a new `build(a)` (one unit of work
    per use case run), `a` being the value of its provider."""
    provider: providers.Provider[Callable[[], T]] = providers.Singleton(_bind, build, a)
    return provider


def listed(*items: Slot[T]) -> Slot[list[T]]:
    """A provider of the list of its items' values (mypy checks each item's type)."""
    provider: Slot[list[T]] = providers.List(*items)
    return provider
