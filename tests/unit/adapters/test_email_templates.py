"""The Jinja2 email templates: every account email renders, HTML is escaped, an operator's
directory replaces single files."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from adapters.email.jinja_templates import JinjaEmailTemplates
from application.auth.account_emails import AccountEmail

CONTEXT = {
    "username": "ana<b>",
    "email": "ana@example.com",
    "link": "https://clips.example/account/verify-email?token=t0k3n",
    "new_email": "new@example.com",
}


@pytest.mark.parametrize("kind", list(AccountEmail))
def test_every_account_email_has_a_subject_a_text_and_an_html_part(kind: AccountEmail) -> None:
    rendered = JinjaEmailTemplates().render(str(kind), CONTEXT)
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert "ana<b>" in rendered.text  # plain text: as typed
    assert "ana&lt;b&gt;" in rendered.html  # HTML: escaped
    assert "ana<b>" not in rendered.html
    carries_link = kind in {
        AccountEmail.VERIFY_EMAIL,
        AccountEmail.CONFIRM_EMAIL_CHANGE,
        AccountEmail.RESET_PASSWORD,
    }
    assert (CONTEXT["link"] in rendered.text) is carries_link
    assert (CONTEXT["link"] in rendered.html) is carries_link


def test_an_operator_directory_replaces_only_the_files_it_has(tmp_path: Path) -> None:
    (tmp_path / "reset_password.subject.txt").write_text("Nouveau mot de passe pour {{ username }}")
    templates = JinjaEmailTemplates(tmp_path)
    reset = templates.render("reset_password", CONTEXT)
    assert reset.subject == "Nouveau mot de passe pour ana<b>"
    assert CONTEXT["link"] in reset.text  # the built-in text part stays
    assert templates.render("verify_email", CONTEXT).subject == "Verify your email address"


def test_a_template_naming_a_missing_variable_fails_instead_of_sending_a_blank(
    tmp_path: Path,
) -> None:
    (tmp_path / "password_changed.txt").write_text("Hello {{ usrname }}")
    with pytest.raises(jinja2.UndefinedError):
        JinjaEmailTemplates(tmp_path).render("password_changed", CONTEXT)


def test_templates_are_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "password_changed.txt").write_text("{{ username.__class__.__mro__ }}")
    with pytest.raises(jinja2.exceptions.SecurityError):
        JinjaEmailTemplates(tmp_path).render("password_changed", CONTEXT)
