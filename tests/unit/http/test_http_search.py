"""Search over HTTP, on the in-memory adapters: GET /search/videos and /search/users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.unit.http.test_http_social import API, Person, person

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def api(make_container: Callable[..., Container]) -> AsyncIterator[Client]:
    container = make_container(public_url="http://testserver.local")
    async with AsyncTestClient(app=create_app(container)) as test_client:
        test_client.container = container  # type: ignore[attr-defined]  # see Person.publish
        yield test_client


async def ids(client: Client, path: str, **params: Any) -> list[str]:
    response = await client.get(f"{API}{path}", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_search_videos_finds_public_videos_by_words_hashtags_and_prefix(api: Client) -> None:
    ana = await person(api, "ana")
    surf = await ana.publish("Surfing at dawn #beach")
    cafe = await ana.publish("Un café crème")
    await ana.publish("surfing secret", visibility="private")

    assert await ids(api, "/search/videos", q="surf") == [surf["id"]]
    assert await ids(api, "/search/videos", q="#beach") == [surf["id"]]
    assert await ids(api, "/search/videos", q="CAFE") == [cafe["id"]]
    assert await ids(api, "/search/videos", q="surfing -dawn") == []


async def test_search_videos_pages_with_a_cursor_and_says_what_the_viewer_likes(
    api: Client,
) -> None:
    ana = await person(api, "ana")
    published = [await ana.publish(f"walk number {i}") for i in range(5)]
    await ana.call("PUT", f"/videos/{published[0]['id']}/like")

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"q": "walk", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await ana.call("GET", "/search/videos", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        liked = [item["likedByMe"] for item in page["items"]]
        assert all(flag is not None for flag in liked)
        cursor = page["nextCursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(video["id"] for video in published)


@pytest.mark.parametrize(
    ("path", "q", "status"),
    [
        ("/search/videos", "", 400),
        ("/search/videos", "x" * 201, 400),
        ("/search/users", "", 400),
        ("/search/users", "x" * 101, 400),
        ("/search/users", "   ", 422),
        ("/search/users", "an\x00na", 422),
    ],
)
async def test_search_bounds_its_query(api: Client, path: str, q: str, status: int) -> None:
    response = await api.get(f"{API}{path}", params={"q": q})

    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_video_search_of_control_characters_finds_nothing(api: Client) -> None:
    response = await api.get(f"{API}/search/videos", params={"q": "\x00\x1f"})

    assert response.json() == {"items": [], "nextCursor": None}


async def test_search_needs_a_query(api: Client) -> None:
    for path in ("/search/videos", "/search/users"):
        response = await api.get(f"{API}{path}")
        assert response.status_code == 400


async def test_search_rejects_a_forged_cursor(api: Client) -> None:
    response = await api.get(f"{API}/search/videos", params={"q": "x", "cursor": "abc.def"})

    assert response.status_code == 400


async def test_search_users_ranks_exact_then_prefix_then_similar(api: Client) -> None:
    for name in ("ana_b", "annabelle", "anna"):
        await person(api, name)
    viewer: Person = await person(api, "viewer")
    await viewer.call(
        "PUT", f"/users/{(await api.get(f'{API}/users/by-username/anna')).json()['id']}/follow"
    )

    response = await viewer.call("GET", "/search/users", params={"q": "Anna"})
    items = response.json()["items"]

    assert [item["username"] for item in items] == ["anna", "annabelle", "ana_b"]
    assert [item["isFollowing"] for item in items] == [True, False, False]
    anonymous = (await api.get(f"{API}/search/users", params={"q": "anna"})).json()
    assert [item["isFollowing"] for item in anonymous["items"]] == [None, None, None]
