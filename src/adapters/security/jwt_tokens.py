"""PyJWT access tokens: HS256 only, typed, with key ids for rotation."""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from application.ports.token_service import AccessClaims, TokenService
from domain.errors import InvalidToken

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # noqa: S105 (a JWT type, not a secret)
VERIFIED_CACHE_SIZE = 10_000  # recently verified access tokens (about 2 MB)
CLOCK_SKEW = timedelta(seconds=60)  # how far ahead of this clock another instance's may be
_REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp", "jti", "sid"]


def key_id(secret: bytes) -> str:
    """A public fingerprint of a signing key (reveals nothing usable about it)."""
    return hashlib.sha256(b"clipstream-kid:" + secret).hexdigest()[:16]


class JwtTokenService(TokenService):
    """Signs with the current secret; verifies with it or any previous one (picked by `kid`).

    The algorithm is pinned (no `none`, no RS/HS confusion), the header must say `typ: at+jwt`,
    and issuer, audience, subject, session, expiry and id are required. A token may not claim a
    longer life than this service gives (`exp - iat` at most the access lifetime) nor to be issued
    in the future (beyond `CLOCK_SKEW`): whoever learns the secret still cannot mint tokens that
    outlive a rotation.
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
        self._verified: OrderedDict[str, tuple[str, AccessClaims]] = OrderedDict()

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
        verified = self._verified.get(token)
        if verified is None:
            verified = self._verify_signature(token)
            self._verified[token] = verified
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        else:
            self._verified.move_to_end(token)
        kid, claims = verified
        if kid not in self._keys:  # its key was retired since
            raise InvalidToken()
        if claims.expires_at - claims.issued_at > self._ttl or claims.issued_at > now + CLOCK_SKEW:
            raise InvalidToken()
        if now >= claims.expires_at:
            raise InvalidToken("The access token has expired.")
        return claims

    def _verify_signature(self, token: str) -> tuple[str, AccessClaims]:
        """The token's key id and claims, if its signature, issuer and audience are valid.

        Clients send the same access token with every request for its whole life (15 minutes):
        `verify_access_token` keeps the outcome of this check for the most recent tokens (only
        valid ones, so random tokens cannot evict them), which saves an HMAC and a JSON parse per
        request (≈10 % of a request's CPU). Expiry and key retirement are checked on every use.
        """
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != TOKEN_TYPE or header.get("alg") != ALGORITHM:
                raise InvalidToken()
            kid = str(header.get("kid"))
            key = self._keys.get(kid)
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
        return kid, AccessClaims(
            user_id=user_id, session_id=session_id, issued_at=issued_at, expires_at=expires_at
        )
