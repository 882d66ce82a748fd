"""Blocks over HTTP (on the in-memory adapters): the block routes and what a block hides, both
ways, from every read and write (the visibility rule, `application.common.visibility`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.unit.http.test_http_social import API, Client, Person, person, walk

MISSING = "0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b"


@pytest.fixture
async def api(make_container: Callable[..., Container]) -> AsyncIterator[Client]:
    container = make_container(public_url="http://testserver.local")
    async with AsyncTestClient(app=create_app(container)) as test_client:
        test_client.container = container  # type: ignore[attr-defined]  # see Person.publish
        yield test_client


async def test_block_and_unblock_are_idempotent(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    for _ in range(2):
        blocked = await ana.call("PUT", f"/users/{bob.id}/block")
        assert blocked.status_code == 200
        assert blocked.json() == {"blocking": True}
    assert (await ana.call("GET", f"/users/{bob.id}")).json()["isBlocking"] is True
    for _ in range(2):
        unblocked = await ana.call("DELETE", f"/users/{bob.id}/block")
        assert unblocked.status_code == 200
        assert unblocked.json() == {"blocking": False}
    assert (await ana.call("GET", f"/users/{bob.id}")).json()["isBlocking"] is False
    assert (await api.get(f"{API}/users/{bob.id}")).json()["isBlocking"] is None


async def test_blocking_yourself_a_missing_user_or_anonymously_is_refused(api: Client) -> None:
    ana = await person(api, "ana")
    self_block = await ana.call("PUT", f"/users/{ana.id}/block")
    assert self_block.status_code == 422
    assert self_block.headers["content-type"].startswith("application/problem+json")
    assert (await ana.call("PUT", f"/users/{MISSING}/block")).status_code == 404
    assert (await ana.call("DELETE", f"/users/{MISSING}/block")).status_code == 404
    assert (await api.put(f"{API}/users/{ana.id}/block")).status_code == 401
    assert (await api.get(f"{API}/users/me/blocks")).status_code == 401


async def test_a_block_ends_follows_both_ways_and_unblocking_does_not_restore_them(
    api: Client,
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    await ana.call("PUT", f"/users/{bob.id}/follow")
    await bob.call("PUT", f"/users/{ana.id}/follow")
    await ana.call("PUT", f"/users/{bob.id}/block")
    me = (await ana.call("GET", "/users/me")).json()
    assert (me["followerCount"], me["followingCount"]) == (0, 0)
    bob_me = (await bob.call("GET", "/users/me")).json()
    assert (bob_me["followerCount"], bob_me["followingCount"]) == (0, 0)
    assert (await ana.call("GET", f"/users/{bob.id}")).json()["isFollowing"] is False

    # The blocker following the blocked: 409 until they unblock; the blocked: 404.
    assert (await ana.call("PUT", f"/users/{bob.id}/follow")).status_code == 409
    assert (await bob.call("PUT", f"/users/{ana.id}/follow")).status_code == 404

    await ana.call("DELETE", f"/users/{bob.id}/block")
    assert (await ana.call("GET", f"/users/{bob.id}")).json()["followerCount"] == 0
    assert (await ana.call("PUT", f"/users/{bob.id}/follow")).status_code == 200


async def test_my_blocks_are_listed_newest_first_with_paging(api: Client) -> None:
    ana = await person(api, "ana")
    others = [await person(api, f"user{i}") for i in range(5)]
    for other in others:
        await ana.call("PUT", f"/users/{other.id}/block")
    await others[0].call("PUT", f"/users/{ana.id}/block")  # blocking ana: not ana's block
    expected = [other.id for other in reversed(others)]
    for limit in (1, 2, 5):
        seen = await walk(
            lambda cursor, limit=limit: ana.call(
                "GET",
                "/users/me/blocks",
                params={"limit": limit, **({"cursor": cursor} if cursor else {})},
            )
        )
        assert seen == expected
    page = (await ana.call("GET", "/users/me/blocks")).json()
    assert page["items"][0]["isFollowing"] is False  # a block ends follows


async def _blocked_pair(api: Client) -> tuple[Person, Person, Person, dict[str, str]]:
    """ana blocks bob; both have a video and a comment with a reply on a third user's video."""
    ana, bob, cy = await person(api, "ana"), await person(api, "bob"), await person(api, "cyd")
    ids: dict[str, str] = {"cy_video": (await cy.publish("cy's #clip"))["id"]}
    for who in (ana, bob):
        ids[f"{who.username}_video"] = (await who.publish(f"{who.username}'s #clip"))["id"]
        made = await who.call("POST", f"/videos/{ids['cy_video']}/comments", json={"body": "hi"})
        ids[f"{who.username}_comment"] = made.json()["id"]
    await ana.call("PUT", f"/users/{bob.id}/block")
    return ana, bob, cy, ids


@pytest.mark.parametrize("direction", ["blocker", "blocked"])
async def test_each_side_of_a_block_loses_the_other_from_every_read(
    api: Client, direction: str
) -> None:
    ana, bob, cy, ids = await _blocked_pair(api)
    me, other = (ana, bob) if direction == "blocker" else (bob, ana)
    theirs = other.username

    profile = await me.call("GET", f"/users/{other.id}")
    by_name = await me.call("GET", f"/users/by-username/{theirs}")
    if direction == "blocker":  # the blocker still sees whom they block, to unblock them
        assert profile.status_code == 200
        assert profile.json()["isBlocking"] is True
        assert by_name.status_code == 200
        assert (await me.call("GET", f"/users/{other.id}/videos")).json()["items"] == []
    else:
        assert profile.status_code == 404
        assert by_name.status_code == 404
        for path in ("videos", "followers", "following"):
            assert (await me.call("GET", f"/users/{other.id}/{path}")).status_code == 404

    video, comment = ids[f"{theirs}_video"], ids[f"{theirs}_comment"]
    for path in (
        f"/videos/{video}",
        f"/videos/{video}/stream",
        f"/videos/{video}/poster",
        f"/videos/{video}/hls/master.m3u8",
        f"/videos/{video}/comments",
        f"/comments/{comment}",
        f"/comments/{comment}/replies",
    ):
        assert (await me.call("GET", path)).status_code == 404, path
    for method, path, body in (
        ("PUT", f"/videos/{video}/like", None),
        ("POST", f"/videos/{video}/comments", {"body": "hey"}),
        ("POST", f"/videos/{video}/views", None),
        ("PUT", f"/comments/{comment}/like", None),
        ("POST", f"/videos/{ids['cy_video']}/comments", {"body": "re", "parentId": comment}),
    ):
        answered = await me.call(method, path, json=body)
        assert answered.status_code == 404, path

    def ids_of(page: dict[str, object]) -> set[str]:
        return {item["id"] for item in page["items"]}  # type: ignore[attr-defined, index]

    for path in ("/videos", "/videos?hashtag=clip", "/feed"):
        listed = ids_of((await me.call("GET", path)).json())
        assert video not in listed, path
        assert ids["cy_video"] in listed, path
    comments = ids_of((await me.call("GET", f"/videos/{ids['cy_video']}/comments")).json())
    assert comment not in comments
    assert ids[f"{me.username}_comment"] in comments
    searched = (await me.call("GET", "/users", params={"q": theirs})).json()["items"]
    assert searched == []
    await cy.call("PUT", f"/users/{other.id}/follow")
    followers = ids_of((await me.call("GET", f"/users/{cy.id}/following")).json())
    assert followers == set()

    # Everyone else still sees both.
    assert (await cy.call("GET", f"/videos/{video}")).status_code == 200
    assert (await api.get(f"{API}/users/{other.id}")).status_code == 200


async def test_unblocking_restores_visibility_at_once(api: Client) -> None:
    ana, bob, _cy, ids = await _blocked_pair(api)
    await ana.call("DELETE", f"/users/{bob.id}/block")
    assert (await bob.call("GET", f"/users/{ana.id}")).status_code == 200
    assert (await ana.call("GET", f"/videos/{ids['bob_video']}")).status_code == 200
    assert (await bob.call("PUT", f"/videos/{ids['ana_video']}/like")).status_code == 200


async def test_a_like_can_be_taken_back_after_a_block(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("mine")
    await bob.call("PUT", f"/videos/{video['id']}/like")
    await ana.call("PUT", f"/users/{bob.id}/block")
    unliked = await bob.call("DELETE", f"/videos/{video['id']}/like")
    assert unliked.status_code == 200
    assert unliked.json() == {"liked": False, "likeCount": 0}
    # Without a like of theirs, the hidden video is absent.
    assert (await bob.call("DELETE", f"/videos/{video['id']}/like")).status_code == 404


async def test_moderation_is_shown_to_the_owner_only_and_me_carries_the_role(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("mine")
    assert video["moderation"] == {"state": "visible", "reason": None}
    assert (await bob.call("GET", f"/videos/{video['id']}")).json()["moderation"] is None
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["moderation"] is None
    made = await ana.call("POST", f"/videos/{video['id']}/comments", json={"body": "hi"})
    assert made.json()["moderation"] == {"state": "visible", "reason": None}
    listed = (await bob.call("GET", f"/videos/{video['id']}/comments")).json()["items"]
    assert listed[0]["moderation"] is None
    me = (await ana.call("GET", "/users/me")).json()
    assert (me["role"], me["isBlocking"]) == ("user", None)
