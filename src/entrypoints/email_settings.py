"""Parsing the email settings: `CLIPSTREAM_SMTP_URL`, `CLIPSTREAM_MAIL_FROM` (see `config.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

DEFAULT_MAIL_FROM = "Clipstream <no-reply@localhost>"
_DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True, slots=True)
class SmtpUrl:
    """The parts of `smtp://[user:pass@]host[:port]` or `smtps://…`."""

    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(raw: str) -> SmtpUrl:
    """Validate an SMTP URL (ValueError naming what is wrong, never echoing a password)."""
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ValueError("must be smtp://[user:pass@]host[:port] or smtps://…") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise ValueError("must start with smtp:// (STARTTLS when offered) or smtps:// (TLS)")
    if not parts.hostname:
        raise ValueError("names no host: smtp://[user:pass@]host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("takes no path, query or fragment: smtp://[user:pass@]host[:port]")
    if port == 0:
        raise ValueError("port must be between 1 and 65535")
    if (parts.username is None) != (parts.password is None):
        raise ValueError("give both a user and a password (user:pass@host), or neither")
    return SmtpUrl(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[parts.scheme],
        implicit_tls=parts.scheme == "smtps",
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def parse_mail_from(raw: str) -> str:
    """A sender like `Clipstream <no-reply@example.com>` or `no-reply@example.com`."""
    if any(ch in raw for ch in "\r\n"):
        raise ValueError("must be one line")
    name, address = parseaddr(raw)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or " " in address:
        raise ValueError("must be an address like 'Clipstream <no-reply@example.com>'")
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError):
        raise ValueError("must be an address like 'Clipstream <no-reply@example.com>'") from None
    return raw
