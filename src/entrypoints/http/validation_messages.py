"""Litestar's and msgspec's validation messages, said as the rule the client broke.

Litestar reports an invalid parameter or body field with msgspec's message ("Expected `int` >= 1",
"Object missing required field `email`") and a missing parameter only in its detail ("Missing
required query parameter 'q' for path /api/v1/users"), with no field at all. Every 400 and 422 of
this API names the field and the rule in `errors` instead: these functions do the translating.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from domain.errors import FieldError

_PATH = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")

_TYPES = {
    "int": "an integer",
    "float": "a number",
    "str": "a string",
    "bool": "true or false",
    "object": "a JSON object",
    "array": "a JSON array",
    "null": "null",
    "uuid": "a UUID",
    "datetime": "an RFC 3339 date-time",
}


def _type(name: str) -> str:
    return _TYPES.get(name, name)


def _expected_type(match: re.Match[str]) -> str:
    names = re.findall(r"`(\w+)`", match.group(1))
    return "must be " + " or ".join(_type(name) for name in names)


_BOUNDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "fewer than"}


def _length(noun: str, verb: str) -> Callable[[re.Match[str]], str]:
    """A length rule: "must be at least 3 characters long", "must have at most 8 items"."""

    def say(match: re.Match[str]) -> str:
        count = int(match.group(3))
        if (match.group(2), count) in ((">=", 1), (">", 0)):
            return "must not be empty"
        plural = noun if count != 1 else noun.removesuffix("s")
        rule = f"must {verb} {_BOUNDS[match.group(2)]} {count} {plural}"
        return rule + " long" if noun == "characters" else rule

    return say


def _bound(match: re.Match[str]) -> str:
    words = {">=": "at least", "<=": "at most", ">": "greater than", "<": "less than"}
    return f"must be {words[match.group(2)]} {match.group(3)}"


# msgspec's messages (https://jcristharif.com/msgspec/constraints.html), most specific first.
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^Expected `str` matching regex .*"),
        lambda _: "is not in the allowed form (see its description and pattern at /schema)",
    ),
    (re.compile(r"^Expected `(str)` of length (>=|<=|>|<) (\d+)$"), _length("characters", "be")),
    (re.compile(r"^Expected `(array|object)` of length (>=|<=|>|<) (\d+)$"), _length("items", "have")),
    (re.compile(r"^Expected `(int|float)` (>=|<=|>|<) (-?[\d.e+]+)$"), _bound),
    (re.compile(r"^Expected `(int|float)` that is a multiple of (\S+)$"),
     lambda m: f"must be a multiple of {m.group(2)}"),
    (re.compile(r"^Expected (.+?), got `\w+`$"), _expected_type),
    (re.compile(r"^Invalid enum value (.+)$"),
     lambda m: f"must be one of the values listed at /schema, not {m.group(1)}"),
    (re.compile(r"^Invalid UUID.*"), lambda _: "must be a UUID"),
    (re.compile(r"^Invalid RFC3339 encoded datetime$"), lambda _: "must be an RFC 3339 date-time"),
    (re.compile(r"^Integer value out of range$"), lambda _: "is out of range"),
]  # fmt: skip


def rule_of(message: str) -> str:
    """The rule a msgspec message reports, in the API's words (the message itself if unknown)."""
    for pattern, say in _RULES:
        match = pattern.match(message)
        if match:
            return say(match)
    return message


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def field_error(key: str, message: str) -> FieldError:
    """The field and rule of one error Litestar reports (`key` the parameter or body field).

    A body error's key is `data` (the whole body) when msgspec names the place in the message
    ("... - at `$.user.name`"); a missing or unknown field is named in the message too.
    """
    at = _PATH.search(message)
    path = at.group(1) if at else ""
    text = message[: at.start()] if at else message
    if key not in ("", "data"):
        path = key
    if missing := re.match(r"^Object missing required field `([^`]+)`$", text):
        return FieldError(_join(path, missing.group(1)), "is required")
    if unknown := re.match(r"^Object contains unknown field `([^`]+)`$", text):
        return FieldError(_join(path, unknown.group(1)), "is not a field of this body")
    if key == "data" and text == "'data'":  # Litestar's KeyError when there is no body at all
        return FieldError("body", "is required: send a JSON object")
    return FieldError(path or "body", rule_of(text))


def missing_parameter(detail: str) -> FieldError | None:
    """The parameter a "Missing required ... parameter" detail names (None for other details)."""
    match = _MISSING_PARAMETER.search(detail)
    if match is None:
        return None
    kind, name = match.groups()
    return FieldError(name, f"is required (a {kind} parameter)")
