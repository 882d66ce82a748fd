"""Reading the emails that tests receive: the links they carry, their tokens."""

from __future__ import annotations

from email.message import EmailMessage, Message
from urllib.parse import parse_qs, urlsplit

from adapters.email.memory import MemoryEmailSender
from entrypoints.composition import Container
from entrypoints.composition.jobs import in_process_runner


def body_of(message: Message, subtype: str = "plain") -> str:
    """The text (`plain`) or HTML (`html`) part of a message, decoded."""
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    assert isinstance(part, EmailMessage)
    content = part.get_content()
    assert isinstance(content, str)
    return content


def link_in(message: Message) -> str:
    """The one account link of the plain-text part (`…/verify-email?token=…` and the like)."""
    links = [
        word
        for word in body_of(message).split()
        if word.startswith(("http://", "https://")) and "token=" in word
    ]
    assert len(links) == 1, links
    return links[0]


def token_of(link: str) -> str:
    """The `token` parameter of a link."""
    return parse_qs(urlsplit(link).query)["token"][0]


def token_in(message: Message) -> str:
    """The `token` parameter of the message's link."""
    return token_of(link_in(message))


def outbox(container: Container) -> list[EmailMessage]:
    """What the in-memory sender of a unit-test container has sent so far."""
    sender = container.core.email_sender()
    assert isinstance(sender, MemoryEmailSender)
    return sender.outbox


async def deliver(container: Container) -> list[EmailMessage]:
    """Run every due job (sending emails among them); every email sent so far."""
    await in_process_runner(container).run_until_idle()
    return outbox(container)


def sent_to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [message for message in messages if message["To"] == address]
