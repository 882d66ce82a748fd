"""Email texts from Jinja2 templates: the built-in ones, or an operator's directory first."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2

from application.ports.email_templates import EmailTemplates, RenderedEmail

BUILT_IN = Path(__file__).with_name("templates")


class JinjaEmailTemplates(EmailTemplates):
    """`<name>.subject.txt`, `<name>.txt` and `<name>.html` of each email.

    Looked up in `override_directory` first (`CLIPSTREAM_EMAIL_TEMPLATES_DIR`), then among the
    built-in templates, so an operator replaces only the files they want. The HTML part is
    autoescaped; the subject is one line. Templates are sandboxed (they cannot reach Python
    internals) and a variable a template names but the email lacks is an error.
    """

    def __init__(self, override_directory: Path | None = None) -> None:
        directories = [str(override_directory)] if override_directory else []
        loader = jinja2.FileSystemLoader([*directories, str(BUILT_IN)])
        from jinja2.sandbox import SandboxedEnvironment

        self._text = SandboxedEnvironment(
            loader=loader, autoescape=False, undefined=jinja2.StrictUndefined
        )
        self._html = SandboxedEnvironment(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined
        )

    def render(self, template: str, context: Mapping[str, str]) -> RenderedEmail:
        subject = self._text.get_template(f"{template}.subject.txt").render(context)
        return RenderedEmail(
            subject=" ".join(subject.split()),
            text=self._text.get_template(f"{template}.txt").render(context),
            html=self._html.get_template(f"{template}.html").render(context),
        )
