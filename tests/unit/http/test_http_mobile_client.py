"""What a mobile client renders: isFollowing on every author, saves, liked videos, who liked,
shares, top comments and pinning, over HTTP on the in-memory adapters."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tests.support.clock import ManualClock
from tests.unit.http.test_http_social import API, Client, Person, api, person, walk

__all__ = ["api"]  # the fixture


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _walk(who: Person, path: str, limit: int, **params: Any) -> list[str]:
    return await walk(
        lambda cursor: who.call(
            "GET", path, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        )
    )


# --- isFollowing ---------------------------------------------------------------------------------


async def test_every_user_summary_says_whether_the_viewer_follows_the_user(api: Client) -> None:
    ana, bob, cat = [await person(api, name) for name in ("ana", "bob", "cat")]
    video = await ana.publish("hello #tag")
    await cat.call("POST", f"/videos/{video['id']}/comments", json={"body": "hi"})
    await bob.call("PUT", f"/users/{ana.id}/follow")
    await cat.call("PUT", f"/users/{ana.id}/follow")

    def authors(response: Any) -> list[tuple[str, bool | None]]:
        assert response.status_code == 200, response.text
        return [
            (v["author"]["username"], v["author"]["isFollowing"]) for v in response.json()["items"]
        ]

    for path in (
        "/videos",
        "/videos?hashtag=tag",
        f"/users/{ana.id}/videos",
        "/feed",
        "/feed/following",
    ):
        assert authors(await bob.call("GET", path)) == [("ana", True)], path
        assert authors(await cat.call("GET", path)) == [("ana", True)], path
        if path != "/feed/following":
            assert authors(await api.get(f"{API}{path}")) == [("ana", None)], path
    single = (await bob.call("GET", f"/videos/{video['id']}")).json()
    assert single["author"]["isFollowing"] is True
    assert (await ana.call("GET", f"/videos/{video['id']}")).json()["author"][
        "isFollowing"
    ] is False

    comments = f"/videos/{video['id']}/comments"
    assert authors(await bob.call("GET", comments)) == [("cat", False)]
    await bob.call("PUT", f"/users/{cat.id}/follow")
    assert authors(await bob.call("GET", comments)) == [("cat", True)]
    assert authors(await api.get(f"{API}{comments}")) == [("cat", None)]

    followers = (await bob.call("GET", f"/users/{ana.id}/followers")).json()["items"]
    assert [(u["username"], u["isFollowing"]) for u in followers] == [("cat", True), ("bob", False)]
    following = (await cat.call("GET", f"/users/{bob.id}/following")).json()["items"]
    assert [(u["username"], u["isFollowing"]) for u in following] == [("cat", False), ("ana", True)]
    anonymous = (await api.get(f"{API}/users/{ana.id}/followers")).json()["items"]
    assert [u["isFollowing"] for u in anonymous] == [None, None]


# --- saves ---------------------------------------------------------------------------------------


async def test_saves_are_idempotent_private_and_listed_most_recently_saved_first(
    api: Client, clock: ManualClock
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    videos = [await ana.publish(f"clip {i}") for i in range(3)]
    for video in (videos[1], videos[0], videos[2]):
        clock.advance(timedelta(seconds=1))
        for _ in range(2):
            saved = await bob.call("PUT", f"/videos/{video['id']}/save")
            assert saved.status_code == 200
            assert saved.json() == {"saved": True}
    clock.advance(timedelta(seconds=1))
    await bob.call("PUT", f"/videos/{videos[1]['id']}/save")  # again: keeps its first time

    expected = [videos[2]["id"], videos[0]["id"], videos[1]["id"]]
    listed = await bob.call("GET", "/users/me/saved")
    assert _ids(listed) == expected
    assert listed.headers["cache-control"] == "no-store"
    assert all(v["savedByMe"] is True for v in listed.json()["items"])
    for limit in (1, 2, 3):
        assert await _walk(bob, "/users/me/saved", limit) == expected
    assert (await bob.call("GET", f"/videos/{videos[0]['id']}")).json()["savedByMe"] is True
    assert (await ana.call("GET", f"/videos/{videos[0]['id']}")).json()["savedByMe"] is False
    assert (await api.get(f"{API}/videos/{videos[0]['id']}")).json()["savedByMe"] is None
    assert _ids(await ana.call("GET", "/users/me/saved")) == []  # private to the saver

    for _ in range(2):
        unsaved = await bob.call("DELETE", f"/videos/{videos[0]['id']}/save")
        assert (unsaved.status_code, unsaved.json()) == (200, {"saved": False})
    assert _ids(await bob.call("GET", "/users/me/saved")) == [videos[2]["id"], videos[1]["id"]]
    assert (await bob.call("GET", f"/videos/{videos[0]['id']}")).json()["savedByMe"] is False


async def test_saved_videos_hidden_since_leave_the_list_and_can_still_be_unsaved(
    api: Client,
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    shown, hidden = await ana.publish("shown"), await ana.publish("hidden")
    for video in (shown, hidden):
        await bob.call("PUT", f"/videos/{video['id']}/save")
    await ana.call("PATCH", f"/videos/{hidden['id']}", json={"visibility": "private"})

    assert _ids(await bob.call("GET", "/users/me/saved")) == [shown["id"]]
    assert (await bob.call("PUT", f"/videos/{hidden['id']}/save")).status_code == 404
    assert (await bob.call("DELETE", f"/videos/{hidden['id']}/save")).json() == {"saved": False}
    assert (await bob.call("DELETE", f"/videos/{hidden['id']}/save")).status_code == 404
    await ana.call("PATCH", f"/videos/{hidden['id']}", json={"visibility": "unlisted"})
    assert _ids(await bob.call("GET", "/users/me/saved")) == [shown["id"]]  # the save went

    missing = await bob.call("PUT", f"/videos/{uuid.uuid4()}/save")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (await api.put(f"{API}/videos/{shown['id']}/save")).status_code == 401
    assert (await api.get(f"{API}/users/me/saved")).status_code == 401
    await ana.call("PUT", f"/videos/{hidden['id']}/save")  # the owner saves her private video
    assert _ids(await ana.call("GET", "/users/me/saved")) == [hidden["id"]]


async def test_deleting_a_saved_video_removes_it_from_every_saved_list(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("soon gone")
    await bob.call("PUT", f"/videos/{video['id']}/save")
    assert (await ana.call("DELETE", f"/videos/{video['id']}")).status_code == 204
    assert _ids(await bob.call("GET", "/users/me/saved")) == []


# --- liked videos and who liked -------------------------------------------------------------------


async def test_liked_videos_are_listed_most_recently_liked_first_while_visible(
    api: Client, clock: ManualClock
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    videos = [await ana.publish(f"clip {i}") for i in range(3)]
    own = await bob.publish("mine")
    for video in (videos[2], own, videos[0], videos[1]):
        clock.advance(timedelta(seconds=1))
        await bob.call("PUT", f"/videos/{video['id']}/like")
    expected = [videos[1]["id"], videos[0]["id"], own["id"], videos[2]["id"]]
    listed = await bob.call("GET", "/users/me/liked")
    assert _ids(listed) == expected
    assert all(v["likedByMe"] is True for v in listed.json()["items"])
    for limit in (1, 3):
        assert await _walk(bob, "/users/me/liked", limit) == expected

    await ana.call("PATCH", f"/videos/{videos[0]['id']}", json={"visibility": "private"})
    await bob.call("PATCH", f"/videos/{own['id']}", json={"visibility": "private"})
    await bob.call("DELETE", f"/videos/{videos[1]['id']}/like")
    assert _ids(await bob.call("GET", "/users/me/liked")) == [own["id"], videos[2]["id"]]
    assert _ids(await ana.call("GET", "/users/me/liked")) == []
    assert (await api.get(f"{API}/users/me/liked")).status_code == 401


async def test_who_liked_a_video_is_listed_to_its_owner_newest_first(
    api: Client, clock: ManualClock
) -> None:
    ana = await person(api, "ana")
    fans = [await person(api, f"fan{i}") for i in range(4)]
    video = await ana.publish("liked a lot")
    for fan in fans:
        clock.advance(timedelta(seconds=1))
        await fan.call("PUT", f"/videos/{video['id']}/like")
    await ana.call("PUT", f"/users/{fans[1].id}/follow")
    path = f"/videos/{video['id']}/likes"

    likers = (await ana.call("GET", path)).json()["items"]
    assert [u["id"] for u in likers] == [fan.id for fan in reversed(fans)]
    assert [u["isFollowing"] for u in likers] == [False, False, True, False]
    assert set(likers[0]) == {"id", "username", "displayName", "avatarUrl", "isFollowing"}
    for limit in (1, 3):
        assert await _walk(ana, path, limit) == [fan.id for fan in reversed(fans)]

    other = await fans[0].call("GET", path)
    assert other.status_code == 403
    assert other.headers["content-type"].startswith("application/problem+json")
    assert (await api.get(f"{API}{path}")).status_code == 401
    await ana.call("PATCH", f"/videos/{video['id']}", json={"visibility": "private"})
    assert (await fans[0].call("GET", path)).status_code == 404
    assert (await ana.call("GET", f"/videos/{uuid.uuid4()}/likes")).status_code == 404


# --- shares ----------------------------------------------------------------------------------------


async def test_shares_count_once_per_sharer_per_video_per_ten_minutes(
    api: Client, clock: ManualClock
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("share me")
    assert video["shareCount"] == 0
    path = f"/videos/{video['id']}/shares"

    def share_count() -> Any:
        return ana.call("GET", f"/videos/{video['id']}")

    assert (await bob.call("POST", path, json={"channel": "copy_link"})).status_code == 204
    assert (await bob.call("POST", path, json={"channel": "message"})).status_code == 204
    assert (await share_count()).json()["shareCount"] == 1
    assert (await bob.call("POST", path)).status_code == 204  # no body: the channel is optional
    assert (await api.post(f"{API}{path}", json={})).status_code == 204  # anonymous: by address
    assert (await ana.call("POST", path, json={"channel": "other"})).status_code == 204  # owner too
    assert (await share_count()).json()["shareCount"] == 3
    clock.advance(timedelta(minutes=10, seconds=1))
    await bob.call("POST", path)
    assert (await share_count()).json()["shareCount"] == 4

    unknown = await bob.call("POST", path, json={"channel": "fax"})
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["channel"]
    assert (await bob.call("POST", path, json={"channel": "message", "x": 1})).status_code == 422
    await ana.call("PATCH", f"/videos/{video['id']}", json={"visibility": "private"})
    hidden = await bob.call("POST", path)
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")
    assert (await share_count()).json()["shareCount"] == 4


# --- top comments and pinning --------------------------------------------------------------------


async def _commented_video(
    api: Client, clock: ManualClock
) -> tuple[Person, Person, str, list[str]]:
    """Ana's video with 5 comments (c0 oldest) liked 1, 3, 0, 3, 2 times."""
    ana, bob = await person(api, "ana"), await person(api, "bob")
    likers = [await person(api, f"liker{i}") for i in range(3)]
    video = await ana.publish("discuss")
    ids = []
    for i in range(5):
        clock.advance(timedelta(seconds=1))
        made = await bob.call("POST", f"/videos/{video['id']}/comments", json={"body": f"c{i}"})
        ids.append(made.json()["id"])
    for comment_id, likes in zip(ids, (1, 3, 0, 3, 2), strict=True):
        for liker in likers[:likes]:
            await liker.call("PUT", f"/comments/{comment_id}/like")
    return ana, bob, video["id"], ids


async def test_top_comments_are_most_liked_first_then_newest_and_walk_exactly(
    api: Client, clock: ManualClock
) -> None:
    ana, _bob, video_id, c = await _commented_video(api, clock)
    path = f"/videos/{video_id}/comments"
    top = [c[3], c[1], c[4], c[0], c[2]]
    assert _ids(await ana.call("GET", path, params={"sort": "top"})) == top
    assert _ids(await ana.call("GET", path)) == list(reversed(c))
    assert _ids(await ana.call("GET", path, params={"sort": "newest"})) == list(reversed(c))
    for limit in (1, 2, 5):
        assert await _walk(ana, path, limit, sort="top") == top
        assert await _walk(ana, path, limit) == list(reversed(c))

    bad = await ana.call("GET", path, params={"sort": "best"})
    assert bad.status_code == 400
    assert bad.json()["errors"]
    newest_cursor = (await ana.call("GET", path, params={"limit": 1})).json()["nextCursor"]
    mixed = await ana.call("GET", path, params={"sort": "top", "cursor": newest_cursor})
    assert mixed.status_code == 400  # a cursor walks the order that made it


async def test_the_owner_pins_one_comment_which_comes_first_in_either_order(
    api: Client, clock: ManualClock
) -> None:
    ana, bob, video_id, c = await _commented_video(api, clock)
    path = f"/videos/{video_id}/comments"
    for _ in range(2):
        pinned = await ana.call("PUT", f"/comments/{c[2]}/pin")
        assert pinned.status_code == 200, pinned.text
        assert (pinned.json()["id"], pinned.json()["pinned"]) == (c[2], True)
    newest = [c[2], c[4], c[3], c[1], c[0]]
    top = [c[2], c[3], c[1], c[4], c[0]]
    listed = (await bob.call("GET", path)).json()["items"]
    assert [(x["id"], x["pinned"]) for x in listed][:2] == [(c[2], True), (c[4], False)]
    for limit in (1, 2, 5):
        assert await _walk(bob, path, limit) == newest
        assert await _walk(bob, path, limit, sort="top") == top
    assert (await bob.call("GET", f"/comments/{c[2]}")).json()["pinned"] is True

    moved = await ana.call("PUT", f"/comments/{c[0]}/pin")  # unpins the previous one
    assert moved.json()["pinned"] is True
    assert (await bob.call("GET", f"/comments/{c[2]}")).json()["pinned"] is False
    assert _ids(await bob.call("GET", path, params={"sort": "top"}))[:2] == [c[0], c[3]]

    for _ in range(2):
        unpinned = await ana.call("DELETE", f"/comments/{c[0]}/pin")
        assert (unpinned.status_code, unpinned.json()["pinned"]) == (200, False)
    assert _ids(await bob.call("GET", path)) == list(reversed(c))


async def test_only_the_videos_owner_pins_and_only_top_level_comments(
    api: Client, clock: ManualClock
) -> None:
    ana, bob, video_id, c = await _commented_video(api, clock)
    reply = await bob.call(
        "POST", f"/videos/{video_id}/comments", json={"body": "re", "parentId": c[0]}
    )
    not_owner = await bob.call("PUT", f"/comments/{c[0]}/pin")  # the comment's author, not owner
    assert not_owner.status_code == 403
    assert not_owner.headers["content-type"].startswith("application/problem+json")
    assert (await bob.call("DELETE", f"/comments/{c[0]}/pin")).status_code == 403
    a_reply = await ana.call("PUT", f"/comments/{reply.json()['id']}/pin")
    assert a_reply.status_code == 422
    assert a_reply.json()["errors"]
    assert (await ana.call("PUT", f"/comments/{uuid.uuid4()}/pin")).status_code == 404
    assert (await api.put(f"{API}/comments/{c[0]}/pin")).status_code == 401
    assert reply.json()["pinned"] is False

    pinned = await ana.call("PUT", f"/comments/{c[1]}/pin")
    assert pinned.status_code == 200
    assert (await ana.call("DELETE", f"/comments/{c[1]}")).status_code == 204  # a pinned one goes
    assert _ids(await bob.call("GET", f"/videos/{video_id}/comments")) == [c[4], c[3], c[2], c[0]]
