"""Follows, likes, comments, views and feeds over HTTP, on the in-memory adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.support.processing import process_videos
from tests.unit.http.test_http_videos import mp4, path_of

API = "/api/v1"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]


@pytest.fixture
async def api(make_container: Callable[..., Container]) -> AsyncIterator[Client]:
    container = make_container(public_url="http://testserver.local")
    async with AsyncTestClient(app=create_app(container)) as test_client:
        test_client.container = container  # type: ignore[attr-defined]  # see Person.publish
        yield test_client


class Person:
    def __init__(self, client: Client, username: str, tokens: dict[str, Any]) -> None:
        self.client = client
        self.username = username
        self.id: str = tokens["user"]["id"]
        self.auth = {"Authorization": f"Bearer {tokens['accessToken']}"}

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return await self.client.request(method, f"{API}{path}", headers=headers, **kwargs)

    async def publish(
        self, caption: str = "", visibility: str = "public", size: int = 500
    ) -> dict[str, Any]:
        data = mp4(size)
        created = (
            await self.call(
                "POST",
                "/videos",
                json={
                    "contentType": "video/mp4",
                    "sizeBytes": size,
                    "caption": caption,
                    "visibility": visibility,
                },
            )
        ).json()
        put = await self.client.put(path_of(created["upload"]["url"]), content=data)
        assert put.status_code == 200
        done = await self.call("POST", f"/videos/{created['video']['id']}/complete", json={})
        assert done.json()["status"] == "processing"
        await process_videos(self.client.container)  # type: ignore[attr-defined]
        ready = await self.call("GET", f"/videos/{created['video']['id']}")
        assert ready.json()["status"] == "ready"
        return ready.json()  # type: ignore[no-any-return]


async def person(client: Client, username: str) -> Person:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    response = await client.post(f"{API}/auth/register", json=body)
    assert response.status_code == 201, response.text
    return Person(client, username, response.json())


async def walk(fetch: Callable[[str | None], Any]) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = (await fetch(cursor)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            return seen


async def test_follow_is_idempotent_and_counted(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    for _ in range(2):
        state = await bob.call("PUT", f"/users/{ana.id}/follow")
        assert state.status_code == 200
        assert state.json() == {"following": True, "followerCount": 1}
    assert (await bob.call("GET", f"/users/{ana.id}")).json()["isFollowing"] is True
    assert (await ana.call("GET", f"/users/{bob.id}")).json()["isFollowing"] is False
    assert (await api.get(f"{API}/users/{ana.id}")).json()["isFollowing"] is None
    assert (await bob.call("GET", "/users/me")).json()["followingCount"] == 1
    searched = (await bob.call("GET", "/users", params={"q": "an"})).json()["items"]
    assert [(u["username"], u["isFollowing"]) for u in searched] == [("ana", True)]
    for _ in range(2):
        state = await bob.call("DELETE", f"/users/{ana.id}/follow")
        assert state.json() == {"following": False, "followerCount": 0}
    self_follow = await ana.call("PUT", f"/users/{ana.id}/follow")
    assert self_follow.status_code == 422
    missing = await ana.call("PUT", "/users/0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b/follow")
    assert missing.status_code == 404


async def test_follower_lists_newest_first_with_paging(api: Client) -> None:
    star = await person(api, "star")
    fans = [await person(api, f"fan{i}") for i in range(7)]
    for fan in fans:
        await fan.call("PUT", f"/users/{star.id}/follow")
    expected = [fan.id for fan in reversed(fans)]
    for limit in (1, 2, 7):

        def followers(cursor: str | None, limit: int = limit) -> Any:
            return api.get(
                f"{API}/users/{star.id}/followers",
                params={"limit": limit, **({"cursor": cursor} if cursor else {})},
            )

        seen = await walk(followers)
        assert seen == expected
    following = (await api.get(f"{API}/users/{fans[0].id}/following")).json()
    assert [u["id"] for u in following["items"]] == [star.id]
    assert set(following["items"][0]) == {
        "id",
        "username",
        "displayName",
        "avatarUrl",
        "isFollowing",
    }
    assert following["items"][0]["isFollowing"] is None  # anonymous


async def test_likes_are_idempotent_and_counted_everywhere(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("like me")
    for _ in range(2):
        liked = await bob.call("PUT", f"/videos/{video['id']}/like")
        assert liked.json() == {"liked": True, "likeCount": 1}
    assert (await bob.call("GET", f"/videos/{video['id']}")).json()["likedByMe"] is True
    assert (await ana.call("GET", f"/videos/{video['id']}")).json()["likedByMe"] is False
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["likedByMe"] is None
    listed = (await bob.call("GET", "/videos")).json()["items"]
    assert listed[0]["likedByMe"] is True
    assert listed[0]["likeCount"] == 1
    assert (await api.get(f"{API}/users/{ana.id}")).json()["likeCount"] == 1
    for _ in range(2):
        unliked = await bob.call("DELETE", f"/videos/{video['id']}/like")
        assert unliked.json() == {"liked": False, "likeCount": 0}
    assert (await api.get(f"{API}/users/{ana.id}")).json()["likeCount"] == 0


async def test_hidden_and_unfinished_videos_cannot_be_liked_or_commented(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    private = await ana.publish(visibility="private")
    pending = (
        await ana.call("POST", "/videos", json={"contentType": "video/mp4", "sizeBytes": 10})
    ).json()["video"]
    for video_id in (private["id"], pending["id"]):
        assert (await bob.call("PUT", f"/videos/{video_id}/like")).status_code == 404
        assert (
            await bob.call("POST", f"/videos/{video_id}/comments", json={"body": "hi"})
        ).status_code == 404
        assert (await bob.call("POST", f"/videos/{video_id}/views")).status_code == 404
    assert (await ana.call("PUT", f"/videos/{private['id']}/like")).status_code == 200


async def test_threaded_comments(api: Client) -> None:
    ana, bob, cy = await person(api, "ana"), await person(api, "bob"), await person(api, "cyd")
    video = await ana.publish("talk to me")
    url = f"/videos/{video['id']}/comments"
    top = (await bob.call("POST", url, json={"body": "  first!  "})).json()
    assert (top["body"], top["parentId"], top["replyCount"], top["editedAt"]) == (
        "first!",
        None,
        0,
        None,
    )
    reply = (await cy.call("POST", url, json={"body": "reply", "parentId": top["id"]})).json()
    assert reply["parentId"] == top["id"]
    nested = (await ana.call("POST", url, json={"body": "nested", "parentId": reply["id"]})).json()
    assert nested["parentId"] == top["id"]  # a reply to a reply attaches to the top-level comment
    second = (await cy.call("POST", url, json={"body": "second"})).json()

    assert (await api.get(f"{API}/videos/{video['id']}")).json()["commentCount"] == 4
    listed = (await api.get(f"{API}{url}")).json()["items"]
    assert [c["id"] for c in listed] == [second["id"], top["id"]]
    assert listed[1]["replyCount"] == 2
    replies = (await api.get(f"{API}/comments/{top['id']}/replies")).json()["items"]
    assert [c["id"] for c in replies] == [reply["id"], nested["id"]]

    for bad in (
        {"body": ""},
        {"body": "x" * 1001},
        {"body": "ok", "parentId": "nope"},
        {"body": "ok", "extra": 1},
    ):
        assert (await bob.call("POST", url, json=bad)).status_code == 422, bad
    unknown_parent = await bob.call(
        "POST", url, json={"body": "ok", "parentId": "0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b"}
    )
    assert unknown_parent.status_code == 404

    liked = await ana.call("PUT", f"/comments/{reply['id']}/like")
    assert liked.json() == {"liked": True, "likeCount": 1}
    assert (await ana.call("GET", f"/comments/{reply['id']}")).json()["likedByMe"] is True

    assert (
        await cy.call("PATCH", f"/comments/{top['id']}", json={"body": "mine"})
    ).status_code == 403
    edited = (await bob.call("PATCH", f"/comments/{top['id']}", json={"body": "edited"})).json()
    assert edited["body"] == "edited"
    assert edited["editedAt"] is not None

    assert (await cy.call("DELETE", f"/comments/{top['id']}")).status_code == 403
    assert (await cy.call("DELETE", f"/comments/{nested['id']}")).status_code == 403
    assert (await cy.call("DELETE", f"/comments/{reply['id']}")).status_code == 204  # the author
    assert (await api.get(f"{API}/comments/{top['id']}")).json()["replyCount"] == 1
    assert (
        await ana.call("DELETE", f"/comments/{top['id']}")
    ).status_code == 204  # the video owner
    assert (await api.get(f"{API}/comments/{nested['id']}")).status_code == 404  # replies go too
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["commentCount"] == 1


async def test_comment_idempotency_key(api: Client) -> None:
    ana = await person(api, "ana")
    video = await ana.publish()
    headers = {"Idempotency-Key": "c-1"}
    first = await ana.call(
        "POST", f"/videos/{video['id']}/comments", json={"body": "once"}, headers=headers
    )
    again = await ana.call(
        "POST", f"/videos/{video['id']}/comments", json={"body": "once"}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["commentCount"] == 1
    other = await ana.call(
        "POST", f"/videos/{video['id']}/comments", json={"body": "twice"}, headers=headers
    )
    assert other.status_code == 422


async def test_views_count_once_per_viewer_per_ten_minutes(api: Client, clock: ManualClock) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish()
    url = f"{API}/videos/{video['id']}/views"
    for _ in range(3):
        assert (await api.post(url, headers=bob.auth)).status_code == 204
        assert (await api.post(url, headers=ana.auth)).status_code == 204  # the owner counts too
        assert (await api.post(url)).status_code == 204  # anonymous: by client address
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["viewCount"] == 3
    clock.advance(timedelta(minutes=10, seconds=1))
    login = await api.post(f"{API}/auth/login", json={"login": "bob", "password": PASSWORD})
    await api.post(url, headers={"Authorization": f"Bearer {login.json()['accessToken']}"})
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["viewCount"] == 4


async def test_following_feed(api: Client) -> None:
    ana, bob, cy = await person(api, "ana"), await person(api, "bob"), await person(api, "cyd")
    first = await ana.publish("a1")
    await cy.publish("c1")
    await ana.publish("hidden", visibility="private")
    second = await ana.publish("a2")
    await bob.call("PUT", f"/users/{ana.id}/follow")
    feed = (await bob.call("GET", "/feed/following")).json()
    assert [v["id"] for v in feed["items"]] == [second["id"], first["id"]]
    assert (await api.get(f"{API}/feed/following")).status_code == 401


async def test_for_you_ranks_engagement_and_never_repeats(api: Client, clock: ManualClock) -> None:
    ana = await person(api, "ana")
    fans = [await person(api, f"fan{i}") for i in range(4)]
    videos = []
    for i in range(9):
        videos.append(await ana.publish(f"clip {i}"))
        clock.advance(timedelta(minutes=1))
    boosted = videos[0]  # the oldest, but liked by everyone
    for fan in fans:
        await fan.call("PUT", f"/videos/{boosted['id']}/like")
    first_page = (await api.get(f"{API}/feed", params={"limit": 3})).json()
    assert first_page["items"][0]["id"] == boosted["id"]

    for limit in (1, 2, 7):
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            page = (await api.get(f"{API}/feed", params=params)).json()
            seen += [v["id"] for v in page["items"]]
            # engagement and new videos during the walk must not cause repeats
            await fans[0].call("PUT", f"/videos/{page['items'][-1]['id']}/like")
            await ana.publish("published mid-walk")
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)), "a video repeated within one walk"
    forged = await api.get(f"{API}/feed", params={"cursor": "eyJ4IjoxfQ.AAAA"})
    assert forged.status_code == 400


async def test_for_you_reaches_older_videos_after_the_ranked_week(
    api: Client, clock: ManualClock
) -> None:
    ana = await person(api, "ana")
    old = await ana.publish("old")
    clock.advance(timedelta(days=8))
    login = await api.post(f"{API}/auth/login", json={"login": "ana", "password": PASSWORD})
    ana.auth = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    recent = [await ana.publish(f"new {i}") for i in range(2)]
    for limit in (1, 2, 3):

        def feed(cursor: str | None, limit: int = limit) -> Any:
            return api.get(
                f"{API}/feed", params={"limit": limit, **({"cursor": cursor} if cursor else {})}
            )

        seen = await walk(feed)
        assert seen[-1] == old["id"]
        assert sorted(seen) == sorted([old["id"], *(v["id"] for v in recent)])


async def test_deleting_an_account_keeps_everyone_elses_counts_exact(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish()
    await bob.call("PUT", f"/users/{ana.id}/follow")
    await ana.call("PUT", f"/users/{bob.id}/follow")
    await bob.call("PUT", f"/videos/{video['id']}/like")
    top = (await ana.call("POST", f"/videos/{video['id']}/comments", json={"body": "mine"})).json()
    await bob.call(
        "POST", f"/videos/{video['id']}/comments", json={"body": "reply", "parentId": top["id"]}
    )
    await bob.call("POST", f"/videos/{video['id']}/comments", json={"body": "own"})
    gone = await bob.call("DELETE", "/users/me", json={"password": PASSWORD})
    assert gone.status_code == 204
    profile = (await api.get(f"{API}/users/{ana.id}")).json()
    assert (profile["followerCount"], profile["followingCount"], profile["likeCount"]) == (0, 0, 0)
    after = (await api.get(f"{API}/videos/{video['id']}")).json()
    assert (after["likeCount"], after["commentCount"]) == (0, 1)
    assert (await api.get(f"{API}/comments/{top['id']}")).json()["replyCount"] == 0
