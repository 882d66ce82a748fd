"""`AuthUseCases`: accounts and sessions (application.auth)."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers

from application.auth.authenticate import Authenticate
from application.auth.change_password import ChangePassword
from application.auth.forgot_password import ForgotPassword
from application.auth.login import Login
from application.auth.logout import Logout
from application.auth.logout_all import LogoutAll
from application.auth.prepare_password_reset import PreparePasswordReset
from application.auth.refresh import RefreshTokens
from application.auth.register import Register
from application.auth.request_email_change import RequestEmailChange
from application.auth.request_verification import RequestVerificationEmail
from application.auth.reset_password import ResetPassword
from application.auth.send_email import SendEmail
from application.auth.session_tokens import SessionTokens
from application.auth.verify_email import VerifyEmail
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton

REFRESH_TOKEN_TTL = timedelta(days=30)


class AuthUseCases(Ports):
    """Register, log in and out, refresh, change the password, authenticate a request; verify
    the address, reset a forgotten password, change the address, send account emails."""

    _refresh_ttl = providers.Object(REFRESH_TOKEN_TTL)
    _session_tokens = singleton(SessionTokens, Ports.clock, Ports.ids, Ports.tokens, _refresh_ttl)

    authenticate = singleton(Authenticate, Ports.account_queries, Ports.tokens, Ports.clock)
    register = singleton(
        Register, Ports.unit_of_work, Ports.hasher, _session_tokens, Ports.clock, Ports.ids
    )
    login = singleton(
        Login, Ports.unit_of_work, Ports.hasher, Ports.login_attempts, _session_tokens
    )
    refresh_tokens = singleton(RefreshTokens, Ports.unit_of_work, _session_tokens, Ports.clock)
    logout = singleton(Logout, Ports.unit_of_work, Ports.clock)
    logout_all = singleton(LogoutAll, Ports.unit_of_work, Ports.clock)
    change_password = singleton(
        ChangePassword, Ports.unit_of_work, Ports.hasher, Ports.password_check, Ports.clock
    )
    request_verification_email = singleton(
        RequestVerificationEmail, Ports.unit_of_work, Ports.clock
    )
    verify_email = singleton(VerifyEmail, Ports.unit_of_work, Ports.clock)
    forgot_password = singleton(ForgotPassword, Ports.unit_of_work)
    prepare_password_reset = singleton(PreparePasswordReset, Ports.unit_of_work, Ports.clock)
    reset_password = singleton(
        ResetPassword, Ports.unit_of_work, Ports.hasher, Ports.login_attempts, Ports.clock
    )
    request_email_change = singleton(
        RequestEmailChange, Ports.unit_of_work, Ports.password_check, Ports.clock
    )
    send_email = singleton(
        SendEmail, Ports.email_sender, Ports.email_templates, Ports.mail_settings
    )
