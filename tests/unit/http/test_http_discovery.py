"""Watch signals on POST /videos/{id}/views, trending hashtags and hashtags, over HTTP on the
in-memory adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.memory.store import MemoryDatabase
from application.jobs import catalog
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.unit.http.test_http_social import API, person

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def api(make_container: Callable[..., Container]) -> AsyncIterator[Client]:
    container = make_container(public_url="http://testserver.local")
    async with AsyncTestClient(app=create_app(container)) as test_client:
        test_client.container = container  # type: ignore[attr-defined]  # see Person.publish
        yield test_client


def store(client: Client) -> MemoryDatabase:
    database: MemoryDatabase = client.container.adapters.store()  # type: ignore[attr-defined]
    return database


async def test_a_signed_in_viewers_watch_is_kept_and_replaced_by_the_next(api: Client) -> None:
    ana = await person(api, "ana")
    bob = await person(api, "bob")
    video = await ana.publish("#beach day")

    first = await bob.call("POST", f"/videos/{video['id']}/views", json={"watchedMs": 1500})
    second = await bob.call(
        "POST", f"/videos/{video['id']}/views", json={"watchedMs": 9000, "completed": True}
    )

    assert (first.status_code, second.status_code) == (204, 204)
    (watch,) = store(api).state.watches.values()
    assert (str(watch.user_id), watch.watched_ms, watch.completed) == (bob.id, 9000, True)
    shown = (await api.get(f"{API}/videos/{video['id']}")).json()
    assert shown["viewCount"] == 1  # the second report is not a second view


async def test_a_view_without_a_body_still_counts_and_keeps_no_watch(api: Client) -> None:
    ana = await person(api, "ana")
    video = await ana.publish("plain")

    response = await api.post(f"{API}/videos/{video['id']}/views")
    anonymous = await api.post(
        f"{API}/videos/{video['id']}/views", json={"watchedMs": 10, "completed": False}
    )

    assert (response.status_code, anonymous.status_code) == (204, 204)
    assert store(api).state.watches == {}
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["viewCount"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"watchedMs": -1},
        {"watchedMs": 86_400_001},
        {"watchedMs": "long"},
        {"completed": "yes"},
        {"watchedMs": 1, "extra": 1},
        [1, 2],
    ],
)
async def test_a_view_body_out_of_bounds_is_refused_and_counts_nothing(
    api: Client, body: Any
) -> None:
    ana = await person(api, "ana")
    video = await ana.publish("bounded")

    response = await ana.call("POST", f"/videos/{video['id']}/views", json=body)

    assert response.status_code in {400, 422}
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.get(f"{API}/videos/{video['id']}")).json()["viewCount"] == 0


async def test_trending_hashtags_follow_recent_views_once_refreshed(api: Client) -> None:
    ana = await person(api, "ana")
    beach = await ana.publish("#beach #sun")
    snow = await ana.publish("#snow")
    await ana.publish("#secret", visibility="private")
    for viewer in ("viewer1", "viewer2"):
        someone = await person(api, viewer)
        await someone.call("POST", f"/videos/{beach['id']}/views")
    await api.post(f"{API}/videos/{snow['id']}/views")

    before = (await api.get(f"{API}/hashtags/trending")).json()
    await api.container.discovery.refresh_trending().execute()  # type: ignore[attr-defined]
    after = (await api.get(f"{API}/hashtags/trending")).json()

    assert before == {"items": []}
    assert after == {
        "items": [
            {"tag": "beach", "videoCount": 1, "recentViews": 2},
            {"tag": "sun", "videoCount": 1, "recentViews": 2},
            {"tag": "snow", "videoCount": 1, "recentViews": 1},
        ]
    }


async def test_views_older_than_a_day_leave_trending(api: Client, clock: Any) -> None:
    ana = await person(api, "ana")
    video = await ana.publish("#fading")
    await api.post(f"{API}/videos/{video['id']}/views")
    clock.advance(timedelta(hours=25))

    await api.container.discovery.refresh_trending().execute()  # type: ignore[attr-defined]

    assert (await api.get(f"{API}/hashtags/trending")).json() == {"items": []}


async def test_a_hashtag_answers_its_public_video_count_or_404(api: Client) -> None:
    ana = await person(api, "ana")
    await ana.publish("#Beach")
    await ana.publish("#beach again")
    await ana.publish("#hidden", visibility="unlisted")

    found = await api.get(f"{API}/hashtags/beach")
    with_hash = await api.get(f"{API}/hashtags/%23BEACH")

    assert found.json() == {"tag": "beach", "videoCount": 2}
    assert with_hash.json() == {"tag": "beach", "videoCount": 2}
    for missing in ("hidden", "nothing", "not%20a%20tag", "x" * 102):
        response = await api.get(f"{API}/hashtags/{missing}")
        assert response.status_code in {400, 404}, missing
        assert response.headers["content-type"].startswith("application/problem+json")


def test_trending_refreshes_at_least_once_a_minute_whatever_the_maintenance_period() -> None:
    for period in (timedelta(seconds=10), timedelta(minutes=5)):
        (task,) = [p for p in catalog.periodic_tasks(period) if p.task == catalog.REFRESH_TRENDING]
        assert task.every <= timedelta(minutes=1)


async def feed_ids(person_: Any) -> list[str]:
    return [item["id"] for item in (await person_.call("GET", "/feed")).json()["items"]]


async def test_not_interested_removes_a_video_from_your_for_you_for_good(api: Client) -> None:
    ana = await person(api, "ana")
    bob = await person(api, "bob")
    meh = await ana.publish("meh")
    good = await ana.publish("good")

    first = await bob.call(
        "POST", "/feed/feedback", json={"videoId": meh["id"], "kind": "not_interested"}
    )
    again = await bob.call(
        "POST", "/feed/feedback", json={"videoId": meh["id"], "kind": "not_interested"}
    )

    assert (first.status_code, again.status_code) == (204, 204)
    assert await feed_ids(bob) == [good["id"]]
    anonymous = (await api.get(f"{API}/feed")).json()["items"]
    assert {item["id"] for item in anonymous} == {meh["id"], good["id"]}


async def test_your_for_you_leaves_out_your_videos_and_what_you_watched(api: Client) -> None:
    ana = await person(api, "ana")
    bob = await person(api, "bob")
    mine = await bob.publish("mine")
    watched = await ana.publish("watched")
    skipped = await ana.publish("skipped")

    await bob.call("POST", f"/videos/{watched['id']}/views", json={"completed": True})
    await bob.call("POST", f"/videos/{skipped['id']}/views", json={"watchedMs": 500})

    assert await feed_ids(bob) == [skipped["id"]]
    assert mine["id"] in await feed_ids(ana)


@pytest.mark.parametrize(
    "body",
    [
        {"videoId": "not-a-uuid", "kind": "not_interested"},
        {"kind": "not_interested"},
        {"videoId": "01a23617-91cb-7045-b44b-9539f2e7a3e3", "kind": "love_it"},
        {"videoId": "01a23617-91cb-7045-b44b-9539f2e7a3e3", "kind": "not_interested", "x": 1},
    ],
)
async def test_feedback_is_validated(api: Client, body: Any) -> None:
    bob = await person(api, "bob")

    response = await bob.call("POST", "/feed/feedback", json=body)

    assert response.status_code in {400, 422}
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_feedback_needs_a_visible_video_and_a_token(api: Client) -> None:
    ana = await person(api, "ana")
    bob = await person(api, "bob")
    private = await ana.publish("private", visibility="private")
    body = {"videoId": private["id"], "kind": "not_interested"}

    assert (await bob.call("POST", "/feed/feedback", json=body)).status_code == 404
    assert (await api.post(f"{API}/feed/feedback", json=body)).status_code == 401


async def test_a_signed_in_walk_pages_through_its_pinned_head_with_cursors(api: Client) -> None:
    creators = [await person(api, f"creator{i}") for i in range(3)]
    published = [await c.publish(f"clip {i}") for c in creators for i in range(2)]
    viewer = await person(api, "viewer")

    seen: list[str] = []
    cursor = None
    for _ in range(20):
        params: dict[str, Any] = {"limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = (await viewer.call("GET", "/feed", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(video["id"] for video in published)
