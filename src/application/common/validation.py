"""Collecting the field errors of several value objects into one `ValidationFailed`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from domain.errors import FieldError, ValidationFailed

T = TypeVar("T")


class ErrorCollector:
    """Parses value objects, remembering every failure; `raise_if_any()` reports them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def parse(self, parse: Callable[[], T]) -> T:
        """The parsed value, or (after recording the error) a placeholder never to be used."""
        try:
            return parse()
        except ValidationFailed as failure:
            self.errors.extend(failure.errors)
            return None  # type: ignore[return-value]  # only read after raise_if_any()

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
