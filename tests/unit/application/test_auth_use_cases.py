"""Account and session rules, on the in-memory adapters."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.auth.change_password import ChangePasswordCommand
from application.auth.login import LoginCommand
from application.auth.logout import LogoutCommand
from application.auth.logout_all import LogoutAllCommand
from application.auth.refresh import RefreshCommand
from application.auth.register import RegisterCommand
from application.auth.results import IssuedTokens
from application.common.patch import KEEP
from application.users.delete_account import DeleteAccountCommand
from application.users.get_user import GetUserQuery
from application.users.search_users import SearchUsersQuery
from application.users.update_profile import UpdateProfileCommand
from domain.errors import (
    EmailTaken,
    Forbidden,
    InvalidCredentials,
    InvalidToken,
    NotFound,
    TooManyAttempts,
    UsernameTaken,
    ValidationFailed,
)
from entrypoints.composition import Container
from tests.support.clock import ManualClock

PASSWORD = "correct horse battery"


async def register(
    container: Container, username: str = "Ana", email: str | None = None
) -> IssuedTokens:
    return await container.auth.register().execute(
        RegisterCommand(
            username=username, email=email or f"{username}@example.com", password=PASSWORD
        )
    )


async def login(container: Container, who: str, password: str = PASSWORD) -> IssuedTokens:
    return await container.auth.login().execute(LoginCommand(login=who, password=password))


async def test_register_normalises_and_starts_a_session(container: Container) -> None:
    issued = await register(container, "Ana.Silva", "Ana@Example.com")
    assert issued.user.username == "ana.silva"
    assert issued.user.email == "ana@example.com"
    principal = await container.auth.authenticate().execute(issued.access_token)
    assert principal.user_id == issued.user.id


async def test_register_reports_every_invalid_field_at_once(container: Container) -> None:
    with pytest.raises(ValidationFailed) as failure:
        await container.auth.register().execute(
            RegisterCommand(username="x", email="nope", password="short", display_name="d" * 51)
        )
    assert {e.field for e in failure.value.errors} == {
        "username",
        "email",
        "password",
        "displayName",
    }


async def test_usernames_and_emails_are_unique_case_insensitively(container: Container) -> None:
    await register(container, "ana", "ana@example.com")
    with pytest.raises(UsernameTaken):
        await register(container, "ANA", "other@example.com")
    with pytest.raises(EmailTaken):
        await register(container, "other", "ANA@EXAMPLE.COM")


async def test_login_by_username_or_email_any_case(container: Container) -> None:
    await register(container, "ana", "ana@example.com")
    assert (await login(container, "ANA")).user.username == "ana"
    assert (await login(container, "Ana@Example.com")).user.username == "ana"


async def test_unknown_user_and_wrong_password_fail_the_same_way(container: Container) -> None:
    await register(container, "ana")
    with pytest.raises(InvalidCredentials) as unknown:
        await login(container, "nobody")
    with pytest.raises(InvalidCredentials) as wrong:
        await login(container, "ana", "wrong password")
    assert str(unknown.value) == str(wrong.value)


async def test_ten_failures_lock_the_account_even_for_the_right_password(
    container: Container, clock: ManualClock
) -> None:
    await register(container, "ana", "ana@example.com")
    for attempt in range(10):
        with pytest.raises(InvalidCredentials):
            # alternating username and email: both count for the one account
            await login(container, "ana" if attempt % 2 else "ana@example.com", "wrong password")
    with pytest.raises(TooManyAttempts) as locked:
        await login(container, "ana")
    assert 0 < locked.value.retry_after_seconds <= 15 * 60
    clock.advance(timedelta(minutes=14))
    with pytest.raises(TooManyAttempts):
        await login(container, "ana")
    clock.advance(timedelta(minutes=1, seconds=1))
    assert (await login(container, "ana")).user.username == "ana"


async def test_failures_outside_the_window_do_not_lock(
    container: Container, clock: ManualClock
) -> None:
    await register(container, "ana")
    for _ in range(9):
        with pytest.raises(InvalidCredentials):
            await login(container, "ana", "wrong password")
    clock.advance(timedelta(minutes=16))
    with pytest.raises(InvalidCredentials):
        await login(container, "ana", "wrong password")
    assert await login(container, "ana")


async def test_refresh_rotates_and_a_spent_token_revokes_the_session(container: Container) -> None:
    first = await register(container)
    refresh = container.auth.refresh_tokens()
    second = await refresh.execute(RefreshCommand(refresh_token=first.refresh_token))
    assert second.refresh_token != first.refresh_token
    with pytest.raises(InvalidToken):
        await refresh.execute(RefreshCommand(refresh_token=first.refresh_token))  # replayed
    with pytest.raises(InvalidToken):  # the whole family is gone, the newest token included
        await refresh.execute(RefreshCommand(refresh_token=second.refresh_token))
    with pytest.raises(InvalidToken):
        await container.auth.authenticate().execute(second.access_token)


async def test_concurrent_refreshes_with_one_token_exactly_one_wins(container: Container) -> None:
    issued = await register(container)
    refresh = container.auth.refresh_tokens()
    results = await asyncio.gather(
        *(refresh.execute(RefreshCommand(refresh_token=issued.refresh_token)) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, IssuedTokens) for r in results) == 1
    assert sum(isinstance(r, InvalidToken) for r in results) == 4


async def test_refresh_tokens_expire_with_their_session(
    container: Container, clock: ManualClock
) -> None:
    issued = await register(container)
    clock.advance(timedelta(days=31))
    with pytest.raises(InvalidToken):
        await container.auth.refresh_tokens().execute(
            RefreshCommand(refresh_token=issued.refresh_token)
        )


async def test_logout_ends_one_session_only(container: Container) -> None:
    first = await register(container, "ana")
    second = await login(container, "ana")
    await container.auth.logout().execute(LogoutCommand(refresh_token=first.refresh_token))
    await container.auth.logout().execute(
        LogoutCommand(refresh_token=first.refresh_token)
    )  # idempotent
    await container.auth.logout().execute(LogoutCommand(refresh_token="unknown"))
    authenticate = container.auth.authenticate()
    with pytest.raises(InvalidToken):
        await authenticate.execute(first.access_token)
    assert await authenticate.execute(second.access_token)


async def test_logout_all_ends_every_access_and_refresh_token(container: Container) -> None:
    first = await register(container, "ana")
    second = await login(container, "ana")
    await container.auth.logout_all().execute(LogoutAllCommand(user_id=first.user.id))
    for issued in (first, second):
        with pytest.raises(InvalidToken):
            await container.auth.authenticate().execute(issued.access_token)
        with pytest.raises(InvalidToken):
            await container.auth.refresh_tokens().execute(
                RefreshCommand(refresh_token=issued.refresh_token)
            )


async def test_password_change_keeps_this_session_and_ends_the_others(container: Container) -> None:
    current = await register(container, "ana")
    other = await login(container, "ana")
    change = container.auth.change_password()
    principal = await container.auth.authenticate().execute(current.access_token)
    with pytest.raises(Forbidden):
        await change.execute(ChangePasswordCommand(
            user_id=principal.user_id, session_id=principal.session_id,
            current_password="wrong password", new_password="a brand new password",
        ))  # fmt: skip
    await change.execute(ChangePasswordCommand(
        user_id=principal.user_id, session_id=principal.session_id,
        current_password=PASSWORD, new_password="a brand new password",
    ))  # fmt: skip
    assert await container.auth.authenticate().execute(current.access_token)
    with pytest.raises(InvalidToken):
        await container.auth.authenticate().execute(other.access_token)
    with pytest.raises(InvalidCredentials):
        await login(container, "ana")
    assert await login(container, "ana", "a brand new password")


async def test_delete_account_needs_the_password_and_removes_everything(
    container: Container,
) -> None:
    issued = await register(container, "ana")
    delete = container.users.delete_account()
    with pytest.raises(Forbidden):
        await delete.execute(
            DeleteAccountCommand(user_id=issued.user.id, password="wrong password")
        )
    await delete.execute(DeleteAccountCommand(user_id=issued.user.id, password=PASSWORD))
    with pytest.raises(InvalidToken):
        await container.auth.authenticate().execute(issued.access_token)
    with pytest.raises(NotFound):
        await container.users.get_user().execute(GetUserQuery(user_id=issued.user.id))
    with pytest.raises(InvalidCredentials):
        await login(container, "ana")
    assert await register(container, "ana")  # the name is free again


async def test_update_profile_changes_only_what_is_sent(container: Container) -> None:
    issued = await register(container, "ana")
    update = container.users.update_profile()
    user = await update.execute(
        UpdateProfileCommand(user_id=issued.user.id, display_name="Ana", bio="hi")
    )
    assert (user.display_name, user.bio, user.avatar_url) == ("Ana", "hi", None)
    user = await update.execute(
        UpdateProfileCommand(user_id=issued.user.id, bio=None, display_name=KEEP)
    )
    assert (user.display_name, user.bio) == ("Ana", None)
    with pytest.raises(ValidationFailed) as failure:
        await update.execute(
            UpdateProfileCommand(user_id=issued.user.id, display_name="x" * 51, avatar_url="nope")
        )
    assert {e.field for e in failure.value.errors} == {"displayName", "avatarUrl"}


async def test_search_by_prefix_pages_through_in_username_order(container: Container) -> None:
    for name in ["ana", "anabel", "an_na", "bob", "anton"]:
        await register(container, name)
    search = container.users.search_users()
    seen, after = [], None
    while True:
        page = await search.execute(SearchUsersQuery(prefix="AN", limit=2, after=after))
        seen += [profile.user.username for profile in page.items]
        if page.next_key is None:
            break
        after = page.next_key
    assert seen == ["an_na", "ana", "anabel", "anton"]
    underscore = await search.execute(SearchUsersQuery(prefix="an_", limit=10))
    assert [p.user.username for p in underscore.items] == ["an_na"]


async def test_ended_sessions_are_forgotten_a_week_after_they_end(
    container: Container, clock: ManualClock
) -> None:
    kept = await register(container, "kept")
    ended = await login(container, "kept")
    await container.auth.logout().execute(LogoutCommand(refresh_token=ended.refresh_token))
    forget = container.maintenance.forget_ended_sessions()

    clock.advance(timedelta(days=6))
    assert await forget.execute() == 0  # revoked 6 days ago: kept a little longer
    clock.advance(timedelta(days=2))
    assert await forget.execute() == 1  # the logged-out session, with its refresh token
    with pytest.raises(InvalidToken):  # refused as before: unknown now, not just revoked
        await container.auth.refresh_tokens().execute(
            RefreshCommand(refresh_token=ended.refresh_token)
        )
    refreshed = await container.auth.refresh_tokens().execute(
        RefreshCommand(refresh_token=kept.refresh_token)
    )
    clock.advance(timedelta(days=30 + 8))  # the kept session expired more than a week ago
    assert await forget.execute() == 1
    with pytest.raises(InvalidToken):
        await container.auth.refresh_tokens().execute(
            RefreshCommand(refresh_token=refreshed.refresh_token)
        )
