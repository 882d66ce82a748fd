"""Port: the texts of the emails, from templates an operator may replace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """What a template makes of one email: subject, plain text, HTML."""

    subject: str
    text: str
    html: str


class EmailTemplates(Protocol):
    """Renders the email named `template` (`verify_email`, `reset_password`...)."""

    def render(self, template: str, context: Mapping[str, str]) -> RenderedEmail:
        """The email `template` with `context` filled in (HTML-escaped in the HTML part)."""
        ...
