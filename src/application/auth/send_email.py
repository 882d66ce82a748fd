"""Send one account email (the `email.send` job)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from application.auth.account_emails import AccountEmail
from application.ports.email_sender import EmailSender, OutgoingEmail
from application.ports.email_templates import EmailTemplates
from application.ports.task_queue import Payload

logger = logging.getLogger("clipstream.email")

# The page of `CLIPSTREAM_WEB_URL` each link opens.
_LINK_PAGE = {
    AccountEmail.VERIFY_EMAIL: "verify-email",
    AccountEmail.CONFIRM_EMAIL_CHANGE: "verify-email",
    AccountEmail.RESET_PASSWORD: "reset-password",
}


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where the links of emails point: `{web_url}/verify-email?token=…` and so on."""

    web_url: str


class SendEmail:
    """Render an account email from its templates and hand it to the mail system.

    Rules: the verification, email-change and reset emails carry one link,
    `{CLIPSTREAM_WEB_URL}/verify-email?token=…` or `…/reset-password?token=…`; the notices ("your
    password was changed", "your email is being changed") carry none. A failure raises, so the job
    is retried with back-off; after the last attempt `give_up` logs it (and the composition root
    counts it): never lost silently. Sending twice (a job run again after a crash) sends the same
    email again, which is harmless.
    """

    def __init__(
        self, sender: EmailSender, templates: EmailTemplates, settings: MailSettings
    ) -> None:
        self._sender = sender
        self._templates = templates
        self._web_url = settings.web_url.rstrip("/")

    async def execute_job(self, payload: Payload) -> None:
        kind = AccountEmail(str(payload["kind"]))
        to = str(payload["to"])
        context = {"username": str(payload.get("username", "")), "email": to}
        link = None
        if (page := _LINK_PAGE.get(kind)) is not None:
            link = f"{self._web_url}/{page}?token={quote(str(payload['token']), safe='')}"
            context["link"] = link
        if payload.get("new_email"):
            context["new_email"] = str(payload["new_email"])
        rendered = self._templates.render(str(kind), context)
        await self._sender.send(
            OutgoingEmail(
                to=to, subject=rendered.subject, text=rendered.text, html=rendered.html, link=link
            )
        )

    async def give_up(self, payload: Payload, error: str) -> None:
        logger.error(
            "the %s email to %s could not be sent after its last attempt: %s",
            payload.get("kind"),
            payload.get("to"),
            error,
        )
