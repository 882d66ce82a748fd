"""Routes of registration, login and sessions: /api/v1/auth."""

from __future__ import annotations

from litestar import post, put
from litestar.params import JSONBody, SkipValidation

from application.auth.change_password import ChangePassword, ChangePasswordCommand
from application.auth.forgot_password import ForgotPassword, ForgotPasswordCommand
from application.auth.login import Login, LoginCommand
from application.auth.logout import Logout, LogoutCommand
from application.auth.logout_all import LogoutAll, LogoutAllCommand
from application.auth.refresh import RefreshCommand, RefreshTokens
from application.auth.register import Register, RegisterCommand
from application.auth.request_verification import (
    RequestVerificationCommand,
    RequestVerificationEmail,
)
from application.auth.reset_password import ResetPassword, ResetPasswordCommand
from application.auth.results import Principal
from application.auth.verify_email import VerifyEmail, VerifyEmailCommand
from entrypoints.http.caching import NO_STORE
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.middleware.rate_limit import EMAIL_REQUESTS
from entrypoints.http.schemas.auth import (
    ChangePasswordIn,
    EmailTokenIn,
    ForgotPasswordIn,
    LoginIn,
    RefreshIn,
    RegisterIn,
    ResetPasswordIn,
    TokensOut,
    tokens_out,
)
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.users import MeOut, me_out
from entrypoints.http.security import SECURITY


class AuthController(ApiController):
    """Accounts and sessions."""

    path = "/auth"
    tags = ["auth"]

    @post(
        "/register",
        operation_id="register",
        cache_control=NO_STORE,
        status_code=201,
        summary="Create an account",
        description=described_by(Register),
        responses=problems(409, json_body=True),
    )
    async def register(
        self, data: JSONBody[RegisterIn], register: SkipValidation[Register]
    ) -> TokensOut:
        issued = await register.execute(
            RegisterCommand(
                username=data.username,
                email=data.email,
                password=data.password,
                display_name=data.display_name,
            )
        )
        return tokens_out(issued)

    @post(
        "/login",
        operation_id="login",
        cache_control=NO_STORE,
        status_code=200,
        summary="Log in",
        description=described_by(Login),
        responses=problems(401, json_body=True),
    )
    async def login(self, data: JSONBody[LoginIn], login: SkipValidation[Login]) -> TokensOut:
        return tokens_out(
            await login.execute(LoginCommand(login=data.login, password=data.password))
        )

    @post(
        "/refresh",
        operation_id="refreshTokens",
        cache_control=NO_STORE,
        status_code=200,
        summary="Exchange a refresh token for new tokens",
        description=described_by(RefreshTokens),
        responses=problems(401, json_body=True),
    )
    async def refresh(
        self, data: JSONBody[RefreshIn], refresh_tokens: SkipValidation[RefreshTokens]
    ) -> TokensOut:
        issued = await refresh_tokens.execute(RefreshCommand(refresh_token=data.refresh_token))
        return tokens_out(issued)

    @post(
        "/logout",
        operation_id="logout",
        status_code=204,
        summary="Log out of this session",
        description=described_by(Logout),
        responses=problems(json_body=True),
    )
    async def logout(self, data: JSONBody[RefreshIn], logout: SkipValidation[Logout]) -> None:
        await logout.execute(LogoutCommand(refresh_token=data.refresh_token))

    @post(
        "/logout-all",
        operation_id="logoutAll",
        status_code=204,
        summary="Log out of every session",
        description=described_by(LogoutAll),
        security=SECURITY,
        responses=problems(401, 415),
    )
    async def logout_all(
        self,
        principal: SkipValidation[Principal],
        logout_all: SkipValidation[LogoutAll],
    ) -> None:
        await logout_all.execute(LogoutAllCommand(user_id=principal.user_id))

    @put(
        "/password",
        operation_id="changePassword",
        status_code=204,
        summary="Change the password",
        description=described_by(ChangePassword),
        security=SECURITY,
        responses=problems(401, 403, json_body=True),
    )
    async def change_password(
        self,
        data: JSONBody[ChangePasswordIn],
        principal: SkipValidation[Principal],
        change_password: SkipValidation[ChangePassword],
    ) -> None:
        await change_password.execute(
            ChangePasswordCommand(
                user_id=principal.user_id,
                session_id=principal.session_id,
                current_password=data.current_password,
                new_password=data.new_password,
            )
        )

    @post(
        "/email/verification",
        operation_id="requestEmailVerification",
        status_code=202,
        summary="Send a new verification email",
        description=described_by(RequestVerificationEmail),
        security=SECURITY,
        responses=problems(401, 415, 429),
    )
    async def request_verification(
        self,
        principal: SkipValidation[Principal],
        request_verification_email: SkipValidation[RequestVerificationEmail],
    ) -> None:
        await request_verification_email.execute(
            RequestVerificationCommand(user_id=principal.user_id)
        )

    @post(
        "/email/verify",
        operation_id="verifyEmail",
        cache_control=NO_STORE,
        status_code=200,
        summary="Confirm an address with the token of its email",
        description=described_by(VerifyEmail),
        responses=problems(409, json_body=True),
    )
    async def verify(
        self, data: JSONBody[EmailTokenIn], verify_email: SkipValidation[VerifyEmail]
    ) -> MeOut:
        return me_out(await verify_email.execute(VerifyEmailCommand(token=data.token)))

    @post(
        "/password/forgot",
        operation_id="forgotPassword",
        status_code=202,
        summary="Ask for a password-reset email",
        description=described_by(ForgotPassword)
        + "\n\nAt most 10 requests a minute per client address (429 past it).",
        responses=problems(json_body=True),
        opt={EMAIL_REQUESTS: True},
    )
    async def forgot_password(
        self, data: JSONBody[ForgotPasswordIn], forgot_password: SkipValidation[ForgotPassword]
    ) -> None:
        await forgot_password.execute(ForgotPasswordCommand(email=data.email))

    @post(
        "/password/reset",
        operation_id="resetPassword",
        status_code=204,
        summary="Choose a new password with the token of a reset email",
        description=described_by(ResetPassword),
        responses=problems(json_body=True),
    )
    async def reset_password(
        self, data: JSONBody[ResetPasswordIn], reset_password: SkipValidation[ResetPassword]
    ) -> None:
        await reset_password.execute(
            ResetPasswordCommand(token=data.token, new_password=data.new_password)
        )
