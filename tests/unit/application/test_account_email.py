"""Account email rules on the in-memory adapters, the memory sender and the manual clock:
verification, password reset, email change, their tokens (expiry, reuse, newer spends older)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from dependency_injector import providers
from prometheus_client import REGISTRY

from adapters.email.memory import MemoryEmailSender
from application.auth.change_password import ChangePasswordCommand
from application.auth.forgot_password import ForgotPasswordCommand
from application.auth.login import LoginCommand
from application.auth.refresh import RefreshCommand
from application.auth.register import RegisterCommand
from application.auth.request_email_change import RequestEmailChangeCommand
from application.auth.request_verification import RequestVerificationCommand
from application.auth.reset_password import ResetPasswordCommand
from application.auth.results import IssuedTokens
from application.auth.verify_email import VerifyEmailCommand
from application.jobs.catalog import SEND_EMAIL
from application.ports.email_sender import OutgoingEmail
from application.social.create_comment import CreateCommentCommand
from application.users.get_me import GetMeQuery
from application.videos.create_video import CreateVideoCommand
from domain.errors import (
    EmailTaken,
    EmailUnverified,
    InvalidCredentials,
    InvalidToken,
    TooManyAttempts,
    ValidationFailed,
)
from entrypoints.composition import Container
from entrypoints.composition.jobs import in_process_runner
from tests.support.clock import ManualClock
from tests.support.emails import body_of, deliver, link_in, sent_to, token_in

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


async def register(container: Container, username: str = "ana") -> IssuedTokens:
    return await container.auth.register().execute(
        RegisterCommand(username=username, email=f"{username}@example.com", password=PASSWORD)
    )


async def verify(container: Container, token: str) -> None:
    await container.auth.verify_email().execute(VerifyEmailCommand(token=token))


async def forgot(container: Container, email: str) -> None:
    await container.auth.forgot_password().execute(ForgotPasswordCommand(email=email))


async def reset(container: Container, token: str, password: str = NEW_PASSWORD) -> None:
    await container.auth.reset_password().execute(
        ResetPasswordCommand(token=token, new_password=password)
    )


# --- verification ---------------------------------------------------------------------------------


async def test_registration_sends_a_verification_link_to_the_web_url(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(web_url="https://app.example/account")
    container.core.email_sender.override(providers.Object(MemoryEmailSender()))
    issued = await register(container)
    assert issued.user.email_verified is False
    [message] = await deliver(container)
    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "Verify your email address"
    assert link_in(message).startswith("https://app.example/account/verify-email?token=")
    assert len(token_in(message)) >= 43  # 32 random bytes, base64url
    assert token_in(message) in body_of(message, "html")


async def test_the_default_web_url_is_the_public_url_s_account_pages(
    container: Container,
) -> None:
    await register(container)
    [message] = await deliver(container)
    assert link_in(message).startswith("http://127.0.0.1:8000/account/verify-email?token=")


async def test_a_verification_token_verifies_the_address_once(container: Container) -> None:
    issued = await register(container)
    token = token_in((await deliver(container))[0])
    user = await container.auth.verify_email().execute(VerifyEmailCommand(token=token))
    assert user.id == issued.user.id
    assert user.email_verified is True
    me = await container.users.get_me().execute(GetMeQuery(user_id=issued.user.id))
    assert me.email_verified is True
    with pytest.raises(ValidationFailed) as spent:
        await verify(container, token)
    assert spent.value.errors[0].field == "token"


async def test_a_verification_token_expires_after_24_hours(
    container: Container, clock: ManualClock
) -> None:
    await register(container)
    token = token_in((await deliver(container))[0])
    clock.advance(timedelta(hours=24))
    with pytest.raises(ValidationFailed):
        await verify(container, token)


@pytest.mark.parametrize("token", ["", "x" * 513, "not-a-token", "\x00"])
async def test_an_unknown_or_malformed_token_is_invalid(container: Container, token: str) -> None:
    with pytest.raises(ValidationFailed):
        await verify(container, token)


async def test_a_verification_email_can_be_requested_once_a_minute(
    container: Container, clock: ManualClock
) -> None:
    issued = await register(container)
    request = RequestVerificationCommand(user_id=issued.user.id)
    await container.auth.request_verification_email().execute(request)  # registration's: free
    with pytest.raises(TooManyAttempts) as limited:
        await container.auth.request_verification_email().execute(request)
    assert 0 < limited.value.retry_after_seconds <= 60
    clock.advance(timedelta(seconds=59))
    with pytest.raises(TooManyAttempts):
        await container.auth.request_verification_email().execute(request)
    clock.advance(timedelta(seconds=1))
    await container.auth.request_verification_email().execute(request)
    messages = await deliver(container)
    assert len(messages) == 3
    tokens = [token_in(m) for m in messages]
    assert len(set(tokens)) == 3
    await verify(container, tokens[0])  # earlier links keep working until they expire


# --- password reset -------------------------------------------------------------------------------


async def test_forgot_password_sends_nothing_to_an_address_without_an_account(
    container: Container,
) -> None:
    await forgot(container, "nobody@example.com")
    assert await deliver(container) == []


async def test_forgot_password_sends_a_reset_link_valid_one_hour(
    container: Container, clock: ManualClock
) -> None:
    await register(container)
    await deliver(container)
    await forgot(container, "ANA@example.com")
    [message] = sent_to(await deliver(container), "ana@example.com")[1:]
    assert message["Subject"] == "Reset your password"
    assert "/account/reset-password?token=" in link_in(message)
    clock.advance(timedelta(hours=1))
    with pytest.raises(ValidationFailed):
        await reset(container, token_in(message))


async def test_one_reset_email_a_minute_and_a_newer_token_spends_the_older(
    container: Container, clock: ManualClock
) -> None:
    await register(container)
    await deliver(container)
    await forgot(container, "ana@example.com")
    await deliver(container)
    await forgot(container, "ana@example.com")  # within the minute: dropped silently
    assert len(await deliver(container)) == 2
    clock.advance(timedelta(minutes=1))
    await forgot(container, "ana@example.com")
    first, second = (await deliver(container))[1:]
    with pytest.raises(ValidationFailed):
        await reset(container, token_in(first))
    await reset(container, token_in(second))


async def test_a_reset_revokes_every_session_ends_the_lockout_and_sends_a_notice(
    container: Container,
) -> None:
    issued = await register(container)
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            await container.auth.login().execute(LoginCommand(login="ana", password="wrong one"))
    with pytest.raises(TooManyAttempts):
        await container.auth.login().execute(LoginCommand(login="ana", password=PASSWORD))
    await forgot(container, "ana@example.com")
    token = token_in((await deliver(container))[1])
    await reset(container, token)

    with pytest.raises(InvalidToken):
        await container.auth.authenticate().execute(issued.access_token)
    with pytest.raises(InvalidToken):
        await container.auth.refresh_tokens().execute(
            RefreshCommand(refresh_token=issued.refresh_token)
        )
    with pytest.raises(InvalidCredentials):
        await container.auth.login().execute(LoginCommand(login="ana", password=PASSWORD))
    signed_in = await container.auth.login().execute(
        LoginCommand(login="ana", password=NEW_PASSWORD)
    )
    assert signed_in.user.email_verified is True  # the link proved the address
    notice = (await deliver(container))[-1]
    assert notice["Subject"] == "Your password was changed"
    assert "token=" not in body_of(notice)
    with pytest.raises(ValidationFailed):  # single-use
        await reset(container, token, "yet another password")


async def test_a_reset_token_does_not_verify_and_a_verification_token_does_not_reset(
    container: Container, clock: ManualClock
) -> None:
    await register(container)
    verification = token_in((await deliver(container))[0])
    await forgot(container, "ana@example.com")
    reset_token = token_in((await deliver(container))[1])
    with pytest.raises(ValidationFailed):
        await verify(container, reset_token)
    with pytest.raises(ValidationFailed):
        await reset(container, verification)
    await reset(container, reset_token)  # neither was spent by the wrong use
    await verify(container, verification)


async def test_a_reset_checks_the_password_policy_before_spending_the_token(
    container: Container,
) -> None:
    await register(container)
    await forgot(container, "ana@example.com")
    token = token_in((await deliver(container))[1])
    with pytest.raises(ValidationFailed) as short:
        await reset(container, token, "short")
    assert short.value.errors[0].field == "newPassword"
    await reset(container, token)


async def test_changing_the_password_sends_a_notice(container: Container) -> None:
    issued = await register(container)
    await container.auth.change_password().execute(
        ChangePasswordCommand(
            user_id=issued.user.id,
            session_id=(
                await container.auth.authenticate().execute(issued.access_token)
            ).session_id,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
        )
    )
    assert (await deliver(container))[-1]["Subject"] == "Your password was changed"


# --- email change ---------------------------------------------------------------------------------


async def change_email(
    container: Container, issued: IssuedTokens, email: str, password: str = PASSWORD
) -> None:
    await container.auth.request_email_change().execute(
        RequestEmailChangeCommand(user_id=issued.user.id, email=email, password=password)
    )


async def test_an_email_change_is_confirmed_at_the_new_address_and_notified_at_the_old(
    container: Container,
) -> None:
    issued = await register(container)
    old_verification = token_in((await deliver(container))[0])
    await change_email(container, issued, "Ana.New@Example.com")
    messages = await deliver(container)
    [confirm] = sent_to(messages, "ana.new@example.com")
    notice = sent_to(messages, "ana@example.com")[-1]
    assert "ana.new@example.com" in body_of(notice)
    assert "token=" not in body_of(notice)
    me = await container.users.get_me().execute(GetMeQuery(user_id=issued.user.id))
    assert me.email == "ana@example.com"  # kept until the new address confirms
    user = await container.auth.verify_email().execute(VerifyEmailCommand(token=token_in(confirm)))
    assert (user.email, user.email_verified) == ("ana.new@example.com", True)
    with pytest.raises(ValidationFailed):  # a link to the old address no longer verifies
        await verify(container, old_verification)
    signed_in = await container.auth.login().execute(
        LoginCommand(login="ana.new@example.com", password=PASSWORD)
    )
    assert signed_in.user.id == issued.user.id


async def test_an_email_change_needs_the_password_and_a_free_address(
    container: Container,
) -> None:
    issued = await register(container)
    await register(container, "bob")
    with pytest.raises(InvalidCredentials):
        await change_email(container, issued, "new@example.com", "wrong password")
    with pytest.raises(EmailTaken):
        await change_email(container, issued, "BOB@example.com")
    with pytest.raises(ValidationFailed):
        await change_email(container, issued, "not an address")


async def test_a_pending_change_reserves_nothing(container: Container) -> None:
    issued = await register(container)
    await change_email(container, issued, "wanted@example.com")
    confirm = sent_to(await deliver(container), "wanted@example.com")[0]
    await container.auth.register().execute(
        RegisterCommand(username="cyd", email="wanted@example.com", password=PASSWORD)
    )
    with pytest.raises(EmailTaken):
        await verify(container, token_in(confirm))


# --- delivery and the verified-email policy -------------------------------------------------------


async def test_a_failing_mail_server_is_retried_then_given_up_logged_and_counted(
    container: Container, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    attempts = 0

    class Down(MemoryEmailSender):
        async def send(self, email: OutgoingEmail) -> None:
            nonlocal attempts
            attempts += 1
            raise ConnectionRefusedError("mail server down")

    container.core.email_sender.override(providers.Object(Down()))

    def failed() -> float:
        value = REGISTRY.get_sample_value(
            "clipstream_emails_failed_total", {"kind": "verify_email"}
        )
        return value or 0.0

    before = failed()
    await register(container)
    runner = in_process_runner(container)
    with caplog.at_level("ERROR", logger="clipstream.email"):
        for _ in range(7):
            await runner.run_until_idle()
            clock.advance(timedelta(minutes=10))
        assert "could not be sent" not in caplog.text  # still retrying
        assert failed() == before
        await runner.run_until_idle()
    assert attempts == SEND_EMAIL.retry.max_attempts == 8
    assert "verify_email email to ana@example.com could not be sent" in caplog.text
    assert failed() == before + 1
    clock.advance(timedelta(hours=1))
    await runner.run_until_idle()
    assert attempts == 8  # never retried forever


async def test_with_the_policy_videos_and_comments_need_a_verified_address(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(require_verified_email=True)
    container.core.email_sender.override(providers.Object(MemoryEmailSender()))
    issued = await register(container)
    create = CreateVideoCommand(owner_id=issued.user.id, content_type="video/mp4", size_bytes=10)
    with pytest.raises(EmailUnverified):
        await container.videos.create_video().execute(create)
    with pytest.raises(EmailUnverified):
        await container.social.create_comment().execute(
            CreateCommentCommand(author_id=issued.user.id, video_id=issued.user.id, body="hi")
        )
    await verify(container, token_in((await deliver(container))[0]))
    created = await container.videos.create_video().execute(create)
    assert created.view.video.owner_id == issued.user.id
