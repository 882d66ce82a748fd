import pytest

from domain.errors import ValidationFailed
from domain.values import (
    Email,
    Password,
    Username,
    parse_avatar_url,
    parse_bio,
    parse_display_name,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Ana.Silva_9", "ana.silva_9"), ("abc", "abc"), ("A" * 30, "a" * 30), (" Bob ", "bob")],
)
def test_usernames_are_lower_cased_before_validation(raw: str, expected: str) -> None:
    assert Username.parse(raw).value == expected


NON_ASCII = "a\u00f1\u0430"  # a Cyrillic small a after Latin letters


@pytest.mark.parametrize("raw", ["ab", "a" * 31, "ana silva", "ana-silva", NON_ASCII, "ana@x", ""])
def test_invalid_usernames_are_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as failure:
        Username.parse(raw)
    assert failure.value.errors[0].field == "username"


def test_emails_are_lower_cased_and_validated() -> None:
    assert Email.parse("Ana@Example.COM").value == "ana@example.com"
    for bad in [
        "ana",
        "ana@",
        "@example.com",
        "ana@example",
        "a b@example.com",
        "x" * 250 + "@ex.com",
    ]:
        with pytest.raises(ValidationFailed):
            Email.parse(bad)


def test_password_length_counts_characters_8_to_256() -> None:
    assert Password.parse("12345678").value == "12345678"
    assert Password.parse("é" * 256).value == "é" * 256
    for bad in ["1234567", "x" * 257, "abc\x00defgh"]:
        with pytest.raises(ValidationFailed):
            Password.parse(bad)
    assert "secret" not in repr(Password.parse("secret-password"))


def test_profile_texts_are_bounded_and_blank_means_unset() -> None:
    assert parse_display_name("  Ana  ") == "Ana"
    assert parse_display_name("   ") is None
    assert parse_display_name(None) is None
    assert parse_bio("line one\nline two") == "line one\nline two"
    with pytest.raises(ValidationFailed):
        parse_display_name("x" * 51)
    with pytest.raises(ValidationFailed):
        parse_display_name("two\nlines")
    with pytest.raises(ValidationFailed):
        parse_bio("x" * 501)
    assert parse_avatar_url("https://cdn.example.com/a.png") == "https://cdn.example.com/a.png"
    for bad in ["javascript:alert(1)", "ftp://x/y", "https://" + "x" * 2048]:
        with pytest.raises(ValidationFailed):
            parse_avatar_url(bad)
