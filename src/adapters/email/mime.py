"""An `OutgoingEmail` as a MIME message: text and HTML alternatives, `From`, `To`, `Date`,
`Message-ID`."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from application.ports.email_sender import OutgoingEmail


def sender_domain(sender: str) -> str:
    """The domain of a `From` address (`Clipstream <no-reply@example.com>` → `example.com`)."""
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def build_message(email: OutgoingEmail, sender: str, now: datetime | None = None) -> EmailMessage:
    """The message as it goes on the wire (UTF-8, quoted-printable where needed)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(addr_spec=email.to)
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to these
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message
