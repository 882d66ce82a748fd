"""PyJWT access tokens: HS256 only, typed, with key ids for rotation."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from application.ports.security import AccessClaims
from domain.errors import InvalidToken

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # noqa: S105 (a JWT type, not a secret)
_REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp", "jti", "sid"]


def key_id(secret: bytes) -> str:
    """A public fingerprint of a signing key (reveals nothing usable about it)."""
    return hashlib.sha256(b"clipstream-kid:" + secret).hexdigest()[:16]


class JwtTokenService:
    """Signs with the current secret; verifies with it or any previous one (picked by `kid`).

    The algorithm is pinned (no `none`, no RS/HS confusion), the header must say `typ: at+jwt`,
    and issuer, audience, subject, session, expiry and id are required.
    """

    def __init__(
        self,
        secret: bytes,
        previous_secrets: Sequence[bytes] = (),
        *,
        issuer: str = "clipstream",
        audience: str = "clipstream-api",
        access_ttl: timedelta = timedelta(minutes=15),
    ) -> None:
        if access_ttl > timedelta(minutes=15) or access_ttl <= timedelta(0):
            raise ValueError("access tokens live at most 15 minutes")
        self._secret = secret
        self._kid = key_id(secret)
        self._keys = {key_id(s): s for s in (*previous_secrets, secret)}
        self._issuer = issuer
        self._audience = audience
        self._ttl = access_ttl

    @property
    def access_ttl_seconds(self) -> int:
        return int(self._ttl.total_seconds())

    def issue_access_token(self, user_id: UUID, session_id: UUID, now: datetime) -> str:
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user_id),
            "sid": str(session_id),
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(
            claims, self._secret, algorithm=ALGORITHM, headers={"kid": self._kid, "typ": TOKEN_TYPE}
        )

    def verify_access_token(self, token: str, now: datetime) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != TOKEN_TYPE or header.get("alg") != ALGORITHM:
                raise InvalidToken()
            key = self._keys.get(str(header.get("kid")))
            if key is None:
                raise InvalidToken()
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                # Expiry is checked below against the injected clock, not the wall clock.
                options={"require": _REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False},
            )
            issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
            expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
            user_id = UUID(str(claims["sub"]))
            session_id = UUID(str(claims["sid"]))
        except (jwt.PyJWTError, ValueError, TypeError, KeyError, OverflowError) as error:
            raise InvalidToken() from error
        if now >= expires_at:
            raise InvalidToken("The access token has expired.")
        return AccessClaims(
            user_id=user_id, session_id=session_id, issued_at=issued_at, expires_at=expires_at
        )
