"""Every read endpoint of the API, walked as the blocker, the blocked, a third user, a moderator
and anonymously, for content that is visible, pending review, removed, and by a suspended author:
what each sees (200 or 404, present or absent) is the visibility rule
(`application.common.visibility`).

`READS` must name every GET route of the API: a new read endpoint makes
`test_every_read_endpoint_is_in_the_table` fail until it is listed here (with how to find the
author's content in it, or why the rule does not apply to it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from domain.moderation import ModerationState, Role
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.unit.http.test_http_social import API, Client, Person, person

VIEWERS = ("blocker", "blocked", "third", "moderator", "anonymous")
STATES = ("visible", "pending_review", "removed", "suspended")


@dataclass
class World:
    """ana is the author: her video, a comment on host's video and a reply under host's comment.
    `blocker` blocks ana, ana blocks `blocked`."""

    client: Client
    container: Container
    people: dict[str, Person]
    ids: dict[str, str]


@dataclass(frozen=True)
class Read:
    """How to read one endpoint: the URL (from the world's ids), and the id of ana's content to
    look for in a list (None: the answer's status tells: 200 seen, 404 hidden)."""

    url: str
    find: str | None = None
    signed_in_only: bool = False


# Every GET route: how to find ana's content in it, or None with why the rule does not apply.
READS: dict[str, Read | str] = {
    "/api/v1/users/{user_id:uuid}": Read("/users/{ana}"),
    "/api/v1/users/by-username/{username:str}": Read("/users/by-username/ana"),
    "/api/v1/users": Read("/users?q=ana", find="{ana}"),
    "/api/v1/users/{user_id:uuid}/videos": Read("/users/{ana}/videos", find="{video}"),
    "/api/v1/users/{user_id:uuid}/followers": Read("/users/{host}/followers", find="{ana}"),
    "/api/v1/users/{user_id:uuid}/following": Read("/users/{fan}/following", find="{ana}"),
    "/api/v1/videos": Read("/videos", find="{video}"),
    "/api/v1/videos/{video_id:uuid}": Read("/videos/{video}"),
    "/api/v1/videos/{video_id:uuid}/stream": Read("/videos/{video}/stream"),
    "/api/v1/videos/{video_id:uuid}/poster": Read("/videos/{video}/poster"),
    "/api/v1/videos/{video_id:uuid}/hls/{name:str}": Read("/videos/{video}/hls/master.m3u8"),
    "/api/v1/videos/{video_id:uuid}/comments": Read(
        "/videos/{host_video}/comments", find="{comment}"
    ),
    "/api/v1/comments/{comment_id:uuid}": Read("/comments/{comment}"),
    "/api/v1/comments/{comment_id:uuid}/replies": Read(
        "/comments/{thread}/replies", find="{reply}"
    ),
    "/api/v1/feed": Read("/feed?limit=100", find="{video}"),
    "/api/v1/feed/following": Read("/feed/following", find="{video}", signed_in_only=True),
    "/api/v1/search/videos": Read("/search/videos?q=clip", find="{video}"),
    "/api/v1/search/users": Read("/search/users?q=ana", find="{ana}"),
    "/api/v1/hashtags/trending": "counts of hashtags: no account or content is listed",
    "/api/v1/hashtags/{tag:str}": "a count of a hashtag's videos: no account or content is listed",
    "/api/v1/users/me/saved": Read("/users/me/saved", find="{video}", signed_in_only=True),
    "/api/v1/users/me/liked": Read("/users/me/liked", find="{video}", signed_in_only=True),
    "/api/v1/videos/{video_id:uuid}/likes": "the owner's own video's likers (owner only; "
    "the likers are filtered by `account_is_listed`: the collections contract checks it)",
    "/api/v1/users/me": "the caller's own account",
    "/api/v1/users/me/blocks": "the caller's own blocks (whom they block, whatever their state)",
    "/api/v1/users/{user_id:uuid}/avatar": "a public picture URL, read without credentials",
    "/api/v1/media/{token:str}": "a signed URL handed out by a playback read that applied the rule",
    "/api/v1/moderation/cases": "moderators only: the queue shows every reported target",
    "/api/v1/moderation/log": "moderators only",
    "/health/live": "no content",
    "/health/ready": "no content",
    "/metrics": "no content",
}
# The second read of each profile-level route: ana's own profile pages (200 or 404 as a whole).
PROFILE_PAGES = ("/users/{ana}/videos", "/users/{ana}/followers", "/users/{ana}/following")


def _get_routes(app: Litestar) -> set[str]:
    found = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and "GET" in route.methods:
            if route.path.startswith("/schema"):
                continue
            found.add(route.path)
    return found


@pytest.fixture
async def world(make_container: Callable[..., Container]) -> AsyncIterator[World]:
    container = make_container(public_url="http://testserver.local", report_hide_threshold=0)
    async with AsyncTestClient(app=create_app(container)) as client:
        client.container = container  # type: ignore[attr-defined]  # see Person.publish
        names = ("ana", "host", "fan", *VIEWERS[:4])
        people = {name: await person(client, name) for name in names}
        await container.safety.set_role_by_username().execute("moderator", Role.MODERATOR)
        ana, host, fan = people["ana"], people["host"], people["fan"]
        ids = {name: p.id for name, p in people.items()}
        ids["video"] = (await ana.publish("ana's #clip"))["id"]
        ids["host_video"] = (await host.publish("host's clip"))["id"]
        said = await ana.call("POST", f"/videos/{ids['host_video']}/comments", json={"body": "hi"})
        ids["comment"] = said.json()["id"]
        thread = await host.call(
            "POST", f"/videos/{ids['host_video']}/comments", json={"body": "t"}
        )
        ids["thread"] = thread.json()["id"]
        reply = {"body": "re", "parentId": ids["thread"]}
        ids["reply"] = (
            await ana.call("POST", f"/videos/{ids['host_video']}/comments", json=reply)
        ).json()["id"]
        await ana.call("PUT", f"/users/{host.id}/follow")
        await fan.call("PUT", f"/users/{ana.id}/follow")
        for viewer in VIEWERS[:4]:
            await people[viewer].call("PUT", f"/users/{ana.id}/follow")
            await people[viewer].call("PUT", f"/videos/{ids['video']}/save")
            await people[viewer].call("PUT", f"/videos/{ids['video']}/like")
        await people["blocker"].call("PUT", f"/users/{ana.id}/block")
        await ana.call("PUT", f"/users/{people['blocked'].id}/block")
        yield World(client, container, people, ids)


async def _put_in_state(world: World, state: str) -> None:
    container = world.container
    async with container.adapters.unit_of_work()() as uow:
        if state == "suspended":
            await uow.users.set_suspended(UUID(world.ids["ana"]), container.core.clock().now())
        elif state != "visible":
            moderation = ModerationState(state)
            await uow.videos.set_moderation(UUID(world.ids["video"]), moderation, "r")
            for key in ("comment", "reply"):
                await uow.comments.set_moderation(UUID(world.ids[key]), moderation, "r")
        await uow.commit()


def _expected(viewer: str, state: str, *, direct: bool, profile: bool) -> bool:
    """Whether the viewer sees ana's content (`profile`: ana's profile pages) in this state."""
    if viewer == "blocked":
        return False
    if profile:
        if viewer == "moderator":
            return True
        return state != "suspended"  # the blocker too: they see whom they block
    if viewer == "blocker":
        return False
    if state == "visible":
        return True
    return viewer == "moderator" and direct  # lists leave hidden content out for moderators too


async def _read(world: World, viewer: str, url: str) -> Any:
    if viewer == "anonymous":
        return await world.client.get(f"{API}{url}")
    return await world.people[viewer].call("GET", url)


def test_every_read_endpoint_is_in_the_table(make_container: Callable[..., Container]) -> None:
    app = create_app(make_container())
    missing = _get_routes(app) - READS.keys()
    assert not missing, f"new read endpoints: list them in READS ({sorted(missing)})"
    assert not READS.keys() - _get_routes(app), "READS names routes that are gone"


@pytest.mark.parametrize("state", STATES)
async def test_each_viewer_sees_what_the_rule_says_on_every_read_endpoint(
    world: World, state: str
) -> None:
    await _put_in_state(world, state)
    failures = []
    for route, read in READS.items():
        if isinstance(read, str):
            continue
        url = read.url.format(**world.ids)
        for viewer in VIEWERS:
            if read.signed_in_only and viewer == "anonymous":
                continue
            answer = await _read(world, viewer, url)
            assert answer.status_code in (200, 302, 404), (route, viewer, answer.text)
            if read.find is None:
                is_profile = "/users/" in url
                seen = answer.status_code != 404
                expected = _expected(viewer, state, direct=True, profile=is_profile)
            else:
                found = read.find.format(**world.ids)
                items = answer.json()["items"] if answer.status_code == 200 else []
                seen = found in {item["id"] for item in items}
                if found == world.ids["ana"]:  # an account in a list: no moderation state
                    expected = viewer in ("third", "moderator", "anonymous") and (
                        state != "suspended"
                    )
                else:
                    expected = _expected(viewer, state, direct=False, profile=False)
            if seen != expected:
                failures.append((route, viewer, state, answer.status_code, seen))
    for page in PROFILE_PAGES:
        for viewer in VIEWERS:
            answer = await _read(world, viewer, page.format(**world.ids))
            expected = _expected(viewer, state, direct=True, profile=True)
            if (answer.status_code == 200) != expected:
                failures.append((page, viewer, state, answer.status_code))
    assert not failures, failures
