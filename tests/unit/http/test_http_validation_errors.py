"""Every 400 and 422 names the parameter or field and the rule it broke, in `errors`."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.http.validation_messages import rule_of

Client = AsyncTestClient[Litestar]


def _errors(response: Any) -> list[dict[str, str]]:
    assert response.headers["content-type"] == "application/problem+json"
    errors: list[dict[str, str]] = response.json()["errors"]
    return errors


async def test_a_missing_query_parameter_is_named_as_required(client: Client) -> None:
    response = await client.get("/api/v1/users")
    assert response.status_code == 400
    assert _errors(response) == [{"field": "q", "message": "is required (a query parameter)"}]
    assert response.json()["detail"] == "q: is required (a query parameter)"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("q=", "q", "must not be empty"),
        ("q=" + "a" * 31, "q", "must be at most 30 characters long"),
        ("q=a&limit=0", "limit", "must be at least 1"),
        ("q=a&limit=101", "limit", "must be at most 100"),
        ("q=a&limit=ten", "limit", "must be an integer"),
        ("q=a&cursor=forged", "cursor", "is not a cursor of this list: start without one"),
    ],
)
async def test_a_malformed_query_parameter_is_named_with_its_rule(
    client: Client, query: str, field: str, message: str
) -> None:
    response = await client.get(f"/api/v1/users?{query}")
    assert response.status_code == 400
    assert _errors(response) == [{"field": field, "message": message}]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"username": "ana", "password": "correct horse battery"}, "email", "is required"),
        (
            {"username": "ana", "email": "a@example.com", "password": "x" * 20, "admin": True},
            "admin",
            "is not a field of this body",
        ),
        (
            {"username": 7, "email": "a@example.com", "password": "correct horse battery"},
            "username",
            "must be a string",
        ),
        (
            {"username": "an", "email": "a@example.com", "password": "correct horse battery"},
            "username",
            "must be at least 3 characters long",
        ),
        ([1, 2], "body", "must be a JSON object"),
    ],
)
async def test_an_invalid_body_field_is_named_with_its_rule(
    client: Client, body: object, field: str, message: str
) -> None:
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert _errors(response) == [{"field": field, "message": message}]


async def test_a_missing_or_undecodable_body_names_the_body(client: Client) -> None:
    json_type = {"content-type": "application/json"}
    empty = await client.post("/api/v1/auth/register", content=b"", headers=json_type)
    assert empty.status_code == 422
    assert _errors(empty) == [{"field": "body", "message": "is required: send a JSON object"}]
    broken = await client.post("/api/v1/auth/register", content=b'{"a": ', headers=json_type)
    assert broken.status_code == 400
    [error] = _errors(broken)
    assert error["field"] == "body"
    assert error["message"]


def test_msgspec_messages_are_said_as_rules_and_unknown_ones_are_kept() -> None:
    assert rule_of("Expected `int` >= 1") == "must be at least 1"
    assert rule_of("Expected `float` <= 60.5") == "must be at most 60.5"
    assert rule_of("Expected `str` of length >= 3") == "must be at least 3 characters long"
    assert rule_of("Expected `str` of length <= 1") == "must be at most 1 character long"
    assert rule_of("Expected `array` of length <= 8") == "must have at most 8 items"
    assert rule_of("Expected `str` or `null`, got `int`") == "must be a string or null"
    assert rule_of("Expected `str` matching regex '^[a-z]+$'").startswith("is not in the allowed")
    assert rule_of("Invalid enum value 'loud'") == (
        "must be one of the values listed at /schema, not 'loud'"
    )
    assert rule_of("Something msgspec says one day") == "Something msgspec says one day"
