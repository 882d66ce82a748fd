from datetime import UTC, datetime, timedelta
from uuid import uuid4

import jwt
import pytest

from adapters.security.bcrypt_hasher import BcryptPasswordHasher
from adapters.security.jwt_tokens import JwtTokenService
from domain.errors import InvalidToken

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SECRET = b"s" * 32
OLD_SECRET = b"o" * 32


async def test_every_character_of_a_long_password_counts() -> None:
    hasher = BcryptPasswordHasher(rounds=4)
    base = "ü" * 100  # 200 bytes: far past bcrypt's 72-byte limit
    stored = await hasher.hash(base + "a")
    assert await hasher.verify(base + "a", stored)
    assert not await hasher.verify(base + "b", stored)
    assert not await hasher.verify(base, stored)


async def test_a_corrupt_stored_hash_never_matches() -> None:
    assert not await BcryptPasswordHasher(rounds=4).verify("whatever1", "not-a-bcrypt-hash")


async def test_burn_spends_a_verification_without_matching() -> None:
    hasher = BcryptPasswordHasher(rounds=4)
    await hasher.burn("anything")  # must not raise


def _service(**kwargs: object) -> JwtTokenService:
    return JwtTokenService(SECRET, **kwargs)  # type: ignore[arg-type]


def test_access_tokens_round_trip() -> None:
    service = _service()
    user_id, session_id = uuid4(), uuid4()
    token = service.issue_access_token(user_id, session_id, NOW)
    claims = service.verify_access_token(token, NOW + timedelta(minutes=14))
    assert (claims.user_id, claims.session_id) == (user_id, session_id)
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    assert service.access_ttl_seconds <= 900


def test_expired_tokens_are_refused() -> None:
    service = _service()
    token = service.issue_access_token(uuid4(), uuid4(), NOW)
    with pytest.raises(InvalidToken):
        service.verify_access_token(token, NOW + timedelta(minutes=15))


def test_a_token_verified_before_is_still_refused_once_expired() -> None:
    service = _service()
    token = service.issue_access_token(uuid4(), uuid4(), NOW)
    assert service.verify_access_token(token, NOW + timedelta(minutes=1))  # now remembered
    with pytest.raises(InvalidToken):
        service.verify_access_token(token, NOW + timedelta(minutes=15))


def test_remembering_a_valid_token_never_admits_an_altered_one() -> None:
    service = _service()
    token = service.issue_access_token(uuid4(), uuid4(), NOW)
    assert service.verify_access_token(token, NOW)
    header, payload, signature = token.split(".")
    altered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    with pytest.raises(InvalidToken):
        service.verify_access_token(altered, NOW)
    assert service.verify_access_token(token, NOW)  # the valid one still passes


def _forge(claims: dict[str, object], key: str | bytes, **headers: object) -> str:
    return jwt.encode(claims, key, algorithm="HS256", headers={"typ": "at+jwt", **headers})


def _claims() -> dict[str, object]:
    return {
        "iss": "clipstream", "aud": "clipstream-api", "sub": str(uuid4()), "sid": str(uuid4()),
        "iat": int(NOW.timestamp()), "exp": int(NOW.timestamp()) + 600, "jti": "x",
    }  # fmt: skip


def test_forged_and_malformed_tokens_are_refused() -> None:
    service = _service()
    kid = jwt.get_unverified_header(service.issue_access_token(uuid4(), uuid4(), NOW))["kid"]
    unsigned = jwt.encode(_claims(), "", algorithm="none", headers={"typ": "at+jwt", "kid": kid})
    wrong_key = _forge(_claims(), b"x" * 32, kid=kid)
    wrong_aud = _forge({**_claims(), "aud": "other"}, SECRET, kid=kid)
    no_session = _forge({k: v for k, v in _claims().items() if k != "sid"}, SECRET, kid=kid)
    wrong_type = jwt.encode(
        _claims(), SECRET, algorithm="HS256", headers={"kid": kid, "typ": "JWT"}
    )
    for token in [unsigned, wrong_key, wrong_aud, no_session, wrong_type, "garbage", "a.b.c", ""]:
        with pytest.raises(InvalidToken):
            service.verify_access_token(token, NOW)
    assert service.verify_access_token(_forge(_claims(), SECRET, kid=kid), NOW)


def test_previous_secrets_still_verify_during_rotation() -> None:
    old = JwtTokenService(OLD_SECRET)
    token = old.issue_access_token(uuid4(), uuid4(), NOW)
    rotated = JwtTokenService(SECRET, previous_secrets=[OLD_SECRET])
    assert rotated.verify_access_token(token, NOW)
    with pytest.raises(InvalidToken):
        JwtTokenService(SECRET).verify_access_token(token, NOW)


def test_access_tokens_cannot_live_longer_than_15_minutes() -> None:
    with pytest.raises(ValueError, match="15 minutes"):
        JwtTokenService(SECRET, access_ttl=timedelta(minutes=16))


def test_a_validly_signed_token_that_would_live_longer_than_its_lifetime_is_refused() -> None:
    service = _service()
    kid = jwt.get_unverified_header(service.issue_access_token(uuid4(), uuid4(), NOW))["kid"]
    issued = int(NOW.timestamp())
    long_lived = _forge({**_claims(), "iat": issued, "exp": issued + 24 * 3600}, SECRET, kid=kid)
    with pytest.raises(InvalidToken):
        service.verify_access_token(long_lived, NOW)
    backdated = _forge({**_claims(), "iat": issued - 3600, "exp": issued + 600}, SECRET, kid=kid)
    with pytest.raises(InvalidToken):
        service.verify_access_token(backdated, NOW)
    from_the_future = _forge(
        {**_claims(), "iat": issued + 3600, "exp": issued + 3700}, SECRET, kid=kid
    )
    with pytest.raises(InvalidToken):
        service.verify_access_token(from_the_future, NOW)
    exactly = _forge({**_claims(), "iat": issued, "exp": issued + 15 * 60}, SECRET, kid=kid)
    assert service.verify_access_token(exactly, NOW)
