"""The tasks a worker can run: every binding by name, and the periodic tasks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from application.ports.task_queue import PeriodicTask, TaskBinding, TaskSpec


class RegistryError(ValueError):
    """The tasks do not add up: a declared task without a use case, a name used twice, ..."""


@dataclass(frozen=True, slots=True)
class JobRegistry:
    """Bindings by task name plus the periodic tasks; built with `JobRegistry.build`."""

    bindings: Mapping[str, TaskBinding]
    periodic: tuple[PeriodicTask, ...]

    @classmethod
    def build(
        cls,
        bindings: Iterable[TaskBinding],
        periodic: Iterable[PeriodicTask] = (),
        *,
        declared: Iterable[TaskSpec] = (),
    ) -> JobRegistry:
        """Check that names are unique, that every declared and periodic task is bound to a use
        case with the same spec, and that no task is periodic twice."""
        by_name: dict[str, TaskBinding] = {}
        for binding in bindings:
            if binding.spec.name in by_name:
                raise RegistryError(f"task {binding.spec.name!r} is bound twice")
            by_name[binding.spec.name] = binding
        periodic = tuple(periodic)
        for spec in [*declared, *(item.task for item in periodic)]:
            bound = by_name.get(spec.name)
            if bound is None:
                raise RegistryError(f"task {spec.name!r} has no use case bound to it")
            if bound.spec != spec:
                raise RegistryError(f"task {spec.name!r} is bound with a different spec")
        names = [item.task.name for item in periodic]
        if len(names) != len(set(names)):
            raise RegistryError("a task is declared periodic twice")
        return cls(MappingProxyType(by_name), periodic)

    def binding(self, task: str) -> TaskBinding | None:
        return self.bindings.get(task)

    def merged(self, other: JobRegistry) -> JobRegistry:
        """This registry plus another's tasks (extra task modules); names must not clash."""
        return JobRegistry.build(
            [*self.bindings.values(), *other.bindings.values()], [*self.periodic, *other.periodic]
        )
