"""A corpus of hostile requests for every route of the app, built from its own OpenAPI document.

Every operation gets a plausible request (path parameters filled with ids that exist, required
query parameters and a body that would pass), and then one variation at a time: each path and query
parameter, each header the API reads, each field of the body, and the body as a whole replaced by
something hostile (NUL bytes, invalid UTF-8, numbers of thousands of digits, JSON nested a thousand
levels deep, lone surrogates, very long strings...). Routes outside the document (the docs pages)
get the path variations. Whatever comes, the answer must be below 500 and, for an error, a
problem-details body (a 400 or 422 naming each field and its rule in `errors`): `broken` says
which requests broke that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from tests.support.processing import process_now

HUGE_DIGITS = "9" * 5000

# Raw (already percent-encoded where needed) values for path segments and query parameters.
HOSTILE_TEXT = {
    "nul": "%00",
    "nul inside": "a%00b",
    "invalid utf-8": "%FF%FE",
    "overlong utf-8": "%C0%AF",
    "lone surrogate": "%ED%A0%80",
    "huge number": HUGE_DIGITS,
    "negative": "-1",
    "float": "1e400",
    "nan": "NaN",
    "long": "a" * 5000,
    "sql": quote("' OR '1'='1' --"),
    "traversal": quote("../../etc/passwd", safe=""),
    "encoded slash": "a%2Fb",
    "percent": "%25",
    "unicode": quote("\uff41\uff4e\uff41\u202e\U0001f600"),
    "control": "%01%1B%7F",
    "empty": "",
}

HOSTILE_HEADERS: dict[str, list[bytes]] = {
    "range": [
        b"bytes=" + HUGE_DIGITS.encode() + b"-",
        b"bytes=0-" + HUGE_DIGITS.encode(),
        b"bytes=-" + HUGE_DIGITS.encode(),
        b"bytes=0-1,2-3,4-5",
        b"bytes=\xff-\xfe",
        b"items=0-1",
    ],
    "idempotency-key": [b"\xff\xfe", b"a" * 5000, b" "],
    "if-none-match": [b"\xff", b'"' * 1000],
    "if-range": [b"\xff", HUGE_DIGITS.encode()],
    "authorization": [b"Bearer", b"Bearer \xff\xfe", b"Basic " + b"A" * 5000, b"Bearer a.b.c"],
    "content-type": [
        b"application/json; charset=\xff",
        b"\xff/\xfe",
        b"application/" + b"x" * 5000,
    ],
    "x-request-id": [b"\xff" * 10, b"a" * 5000],
    "x-forwarded-for": [b"\xff, 999.999.999.999", b"a" * 5000],
}

# Whole JSON bodies that no route may choke on.
HOSTILE_BODIES: dict[str, bytes] = {
    "invalid utf-8 in a string": b'{"caption": "\xff\xfe\xfd"}',
    "invalid utf-8 in a key": b'{"\xff": 1}',
    "nested arrays": b"[" * 1000 + b"]" * 1000,
    "nested objects": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "deeper still": b"[" * 100_000,
    "huge number": HUGE_DIGITS.encode(),
    "huge float": b"1e99999",
    "nul byte": b"\x00",
    "truncated": b'{"a": "',
    "lone surrogate": b'{"a": "\\ud800"}',
    "array": b"[]",
    "string": b'"x"',
    "null": b"null",
    "duplicate keys": b'{"a": 1, "a": 2}',
    "bom": b"\xef\xbb\xbf{}",
    "utf-16": "{}".encode("utf-16"),
}

HOSTILE_JSON_VALUES: dict[str, Any] = {
    "nul": "\x00",
    "nul inside": "ana\x00",
    "control": "\x01\x1b\x7f",
    "long": "a" * 10_000,
    "huge int": int(HUGE_DIGITS[:4000]),
    "negative": -1,
    "float": 1.5,
    "bool": True,
    "null": None,
    "list": ["\x00"],
    "object": {"\x00": "\x00"},
}

# Values that pass validation, for fields whose name says what they hold.
PLAUSIBLE: dict[str, Any] = {
    "login": "ana",
    "password": "correct horse battery",
    "currentPassword": "correct horse battery",
    "newPassword": "another horse battery",
    "username": "newcomer",
    "email": "newcomer@example.com",
    "displayName": "Ana",
    "bio": "hello",
    "avatarUrl": "https://example.com/a.png",
    "caption": "hello #tag",
    "visibility": "public",
    "contentType": "video/mp4",
    "sizeBytes": 100,
    "body": "nice",
    "refreshToken": "not-a-refresh-token",
    "watchedMs": 1000,
    "completed": False,
}


@dataclass(slots=True)
class Probe:
    """One request of the corpus; `route` groups the probes of one operation."""

    route: str
    label: str
    method: str
    path: str  # percent-encoded as it goes on the wire
    headers: dict[str, bytes] = field(default_factory=dict)
    content: bytes | None = None


def _resolve(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    if "oneOf" in schema or "anyOf" in schema:  # an optional struct: its object variant
        for variant in schema.get("oneOf", schema.get("anyOf", [])):
            resolved = _resolve(document, variant)
            if resolved.get("type") == "object":
                return resolved
    return schema


def _plausible_value(name: str, schema: Mapping[str, Any]) -> Any:
    if name in PLAUSIBLE:
        return PLAUSIBLE[name]
    kind = schema.get("type")
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return "x"


def _body(document: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[str, Any] | None:
    """A plausible JSON body of an operation that takes one (None for no JSON body)."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    schema = _resolve(document, content["application/json"].get("schema", {}))
    properties = schema.get("properties", {})
    return {
        name: _plausible_value(name, _resolve(document, prop))
        for name, prop in properties.items()
        if name in schema.get("required", []) or name in PLAUSIBLE
    }


def _fill(path: str, values: Mapping[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def _path_parameters(path: str) -> list[str]:
    return [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]


def _plausible_parameter(name: str, ids: Mapping[str, str]) -> str:
    for key, value in ids.items():
        if key in name:
            return value
    return ids.get("default", "x")


def probes(
    app: Litestar,
    ids: Mapping[str, str],
    route: str | None = None,
    document: Mapping[str, Any] | None = None,
) -> Iterator[Probe]:
    """The corpus for `app` (only `route`'s probes, "METHOD /path/{template}", if given). `ids`
    maps a parameter name fragment to an existing id (`{"video": ..., "default": ...}`);
    `document` is the app's OpenAPI document as JSON data, if already at hand."""
    document = document or app.openapi_schema.to_schema()
    documented: set[str] = set()
    for template, item in document["paths"].items():
        documented.add(template)
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            if route is None or route == f"{method.upper()} {template}":
                yield from _operation_probes(document, method.upper(), template, operation, ids)
    for app_route in app.routes:  # what the document leaves out (the docs pages and their assets)
        if not isinstance(app_route, HTTPRoute) or app_route.path_format in documented:
            continue
        template = app_route.path_format
        if route is not None and route != f"GET {template}":
            continue
        for name, value in HOSTILE_TEXT.items():
            filled = {p: value for p in _path_parameters(template)} or None
            path = _fill(template, filled) if filled else template + "?x=" + value
            yield Probe(f"GET {template}", f"GET {template} with {name}", "GET", path)


def _operation_probes(
    document: Mapping[str, Any],
    method: str,
    template: str,
    operation: Mapping[str, Any],
    ids: Mapping[str, str],
) -> Iterator[Probe]:
    route = f"{method} {template}"
    path_values = {p: _plausible_parameter(p, ids) for p in _path_parameters(template)}
    query = {
        p["name"]: ("a" if p["name"] == "q" else "1" if p["name"] == "limit" else "x")
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and p.get("required")
    }
    body = _body(document, operation)
    base_headers = {"content-type": b"application/json"} if body is not None else {}
    content = json.dumps(body).encode() if body is not None else None

    def url(paths: Mapping[str, str], params: Mapping[str, str]) -> str:
        filled = _fill(template, paths)
        if params:
            filled += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        return filled

    yield Probe(
        route, f"{route} as is", method, url(path_values, query), dict(base_headers), content
    )
    for name in path_values:
        for label, value in HOSTILE_TEXT.items():
            if not value:
                continue  # an empty segment is another route
            path = url({**path_values, name: value}, query)
            yield Probe(
                route, f"{route} path {name}={label}", method, path, dict(base_headers), content
            )
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        for label, value in HOSTILE_TEXT.items():
            path = url(path_values, {**query, parameter["name"]: value})
            yield Probe(
                route,
                f"{route} query {parameter['name']}={label}",
                method,
                path,
                dict(base_headers),
                content,
            )
    for header, raw_values in HOSTILE_HEADERS.items():
        for index, raw_value in enumerate(raw_values):
            yield Probe(
                route,
                f"{route} header {header}#{index}",
                method,
                url(path_values, query),
                {**base_headers, header: raw_value},
                content,
            )
    if method in {"POST", "PUT", "PATCH", "DELETE"}:
        for label, raw in HOSTILE_BODIES.items():
            yield Probe(
                route,
                f"{route} body {label}",
                method,
                url(path_values, query),
                {"content-type": b"application/json"},
                raw,
            )
    if body:
        for name in body:
            for label, value in HOSTILE_JSON_VALUES.items():
                mutated = json.dumps({**body, name: value}).encode()
                yield Probe(
                    route,
                    f"{route} field {name}={label}",
                    method,
                    url(path_values, query),
                    dict(base_headers),
                    mutated,
                )


def broken(status: int, content_type: str, text: str) -> str | None:
    """What is wrong with an answer to a hostile request (None: nothing)."""
    if status >= 500:
        return f"{status}: {text[:300]}"
    if status >= 400 and not content_type.startswith("application/problem+json"):
        return f"{status} without problem details ({content_type!r}): {text[:200]}"
    if "Traceback" in text:
        return f"{status} with a traceback"
    if status in (400, 422) and not _names_fields(text):
        return f"{status} whose errors name no field and rule: {text[:200]}"
    return None


def _names_fields(text: str) -> bool:
    """Whether a problem's `errors` is a non-empty list of fields, each with its rule."""
    try:
        errors = json.loads(text).get("errors")
    except ValueError:
        return False
    return bool(errors) and all(
        isinstance(e, dict) and e.get("field") and e.get("message") for e in errors
    )


# Running the corpus against an app -----------------------------------------------------------

API = "/api/v1"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]


def mp4(size: int) -> bytes:
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return (head + bytes(size))[:size]


async def world(
    client: Client, container: Container, name: str = "ana"
) -> tuple[dict[str, str], dict[str, str]]:
    """A signed-in user with a ready video that has a comment: (auth header, ids for the corpus).

    The video is processed at once by the container's media processor (a fake that accepts any
    bytes, see `tests.support.fake_media`)."""
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    tokens = (await client.post(f"{API}/auth/register", json=body)).json()
    auth = {"Authorization": f"Bearer {tokens['accessToken']}"}
    data = mp4(200)
    created = (
        await client.post(
            f"{API}/videos", json={"contentType": "video/mp4", "sizeBytes": len(data)}, headers=auth
        )
    ).json()
    upload = urlsplit(created["upload"]["url"])
    assert (await client.put(upload.path, content=data)).status_code == 200
    video_id = created["video"]["id"]
    completed = await client.post(f"{API}/videos/{video_id}/complete", headers=auth)
    assert completed.status_code == 200, completed.text
    await process_now(container, video_id)
    comment = await client.post(
        f"{API}/videos/{video_id}/comments", json={"body": "hi"}, headers=auth
    )
    ids = {
        "video": video_id,
        "comment": comment.json()["id"],
        "user": tokens["user"]["id"],
        "token": upload.path.rsplit("/", 1)[-1],
        "username": name,
        "default": "x",
    }
    return auth, ids


async def send(client: Client, probe: Probe, auth: dict[str, str]) -> Any:
    headers: dict[str, Any] = {"authorization": auth["Authorization"].encode(), **probe.headers}
    return await client.request(probe.method, probe.path, headers=headers, content=probe.content)


async def run_corpus(app: Litestar, container: Container) -> tuple[int, dict[str, str]]:
    """Every probe against `app` (built on `container`, whose media processor accepts any bytes)."""
    failures: dict[str, str] = {}
    count = 0
    by_route: dict[str, list[Probe]] = {}
    document = app.openapi_schema.to_schema()
    for probe in probes(app, {"default": "x"}, document=document):
        by_route.setdefault(probe.route, []).append(probe)
    async with AsyncTestClient(app=app) as client:
        for number, route in enumerate(by_route):
            # A world of its own per route: logging out or deleting the account spoils only it.
            auth, ids = await world(client, container, f"user{number}")
            for probe in probes(app, ids, route=route, document=document):
                count += 1
                response = await send(client, probe, auth)
                problem = broken(
                    response.status_code, response.headers.get("content-type", ""), response.text
                )
                if problem:
                    failures[probe.label] = problem
    return count, failures
