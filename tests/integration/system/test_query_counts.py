"""No N+1: a page costs the same number of SQL statements whatever its size (PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from adapters.postgres.read_pool import PostgresSelectRunner
from entrypoints.composition import Container, build_container
from entrypoints.config import Settings
from entrypoints.http.app import create_app
from tests.integration.conftest import PostgresDatabases
from tests.support.fake_media import FakeMediaProcessor
from tests.support.processing import process_now
from tests.unit.http.test_http_videos import mp4, path_of

pytestmark = pytest.mark.postgres

API = "/api/v1"
PASSWORD = "correct horse battery"
Client = AsyncTestClient[Litestar]


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


@pytest.fixture
async def app(
    tmp_path: Path, postgres_databases: PostgresDatabases
) -> AsyncIterator[tuple[Client, Container]]:
    settings = Settings(
        database_url=postgres_databases.create(migrated=True),
        storage_url=str(tmp_path / "media"),
        public_url="http://testserver.local",
        jwt_secret=b"query-count-secret-0123456789-0123456789",
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
    )
    container = build_container(settings)
    container.core.media.override(providers.Object(FakeMediaProcessor.tiny()))
    async with AsyncTestClient(app=create_app(container)) as client:
        yield client, container


async def _user(client: Client, name: str) -> tuple[str, dict[str, str]]:
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    tokens = (await client.post(f"{API}/auth/register", json=body)).json()
    return tokens["user"]["id"], {"Authorization": f"Bearer {tokens['accessToken']}"}


async def _publish(client: Client, container: Container, auth: dict[str, str], caption: str) -> str:
    data = mp4(600)
    created = (
        await client.post(
            f"{API}/videos",
            json={"contentType": "video/mp4", "sizeBytes": len(data), "caption": caption},
            headers=auth,
        )
    ).json()
    await client.put(path_of(created["upload"]["url"]), content=data)
    video_id: str = created["video"]["id"]
    assert (
        await client.post(f"{API}/videos/{video_id}/complete", json={}, headers=auth)
    ).status_code == 200
    await process_now(container, video_id)
    return video_id


async def test_pages_cost_a_constant_number_of_statements(app: tuple[Client, Container]) -> None:
    client, container = app
    creators = [await _user(client, f"creator{i}") for i in range(4)]
    viewer_id, viewer = await _user(client, "viewer")
    for i in range(3):  # the viewer's blocks: filtered in the same statement as each page
        blocked_id, _ = await _user(client, f"blocked{i}")
        await client.put(f"{API}/users/{blocked_id}/block", headers=viewer)
    video_ids = []
    for _other_id, other in creators[1:]:
        await client.put(f"{API}/users/{creators[0][0]}/follow", headers=other)
    for i, (creator_id, auth) in enumerate(creators):
        await client.put(f"{API}/users/{creator_id}/follow", headers=viewer)
        for j in range(6):
            video_ids.append(await _publish(client, container, auth, f"clip {i}.{j} #tag"))
    for video_id in video_ids[::2]:
        await client.put(f"{API}/videos/{video_id}/like", headers=viewer)
        await client.put(f"{API}/videos/{video_id}/save", headers=viewer)
    first_video = video_ids[0]
    for _other_id, other in creators[1:]:
        await client.put(f"{API}/videos/{first_video}/like", headers=other)
    comment_ids = []
    for n in range(21):
        made = await client.post(
            f"{API}/videos/{first_video}/comments",
            json={"body": f"c{n}"},
            headers=creators[n % 4][1],
        )
        comment_ids.append(made.json()["id"])
        if n % 3 == 0:
            await client.put(f"{API}/comments/{made.json()['id']}/like", headers=viewer)
    owner = creators[0][1]
    pinned = await client.put(f"{API}/comments/{comment_ids[5]}/pin", headers=owner)
    assert pinned.status_code == 200

    engine = container.adapters.engine()
    reader = container.adapters.reader()
    assert isinstance(reader, PostgresSelectRunner)  # the read side's own pool: counted apart
    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    pages = {
        "for you": f"{API}/feed",
        "following": f"{API}/feed/following",
        "public videos": f"{API}/videos",
        "by hashtag": f"{API}/videos?hashtag=tag",
        "user videos": f"{API}/users/{creators[0][0]}/videos",
        "comments": f"{API}/videos/{first_video}/comments",
        "top comments": f"{API}/videos/{first_video}/comments?sort=top",
        "user search": f"{API}/users?q=creator",
        "followers": f"{API}/users/{creators[0][0]}/followers",
        "my blocks": f"{API}/users/me/blocks",
        "video search": f"{API}/search/videos?q=clip",
        "people search": f"{API}/search/users?q=creator",
        "followed": f"{API}/users/{viewer_id}/following",
        "saved": f"{API}/users/me/saved",
        "liked": f"{API}/users/me/liked",
        "who liked": f"{API}/videos/{first_video}/likes",
    }
    costs: dict[str, list[int]] = {}
    for name, url in pages.items():
        for limit in (1, 20):
            counter.count = 0
            read_before = reader.executed
            separator = "&" if "?" in url else "?"
            headers = owner if name == "who liked" else viewer
            response = await client.get(f"{url}{separator}limit={limit}", headers=headers)
            counter.count += reader.executed - read_before
            assert response.status_code == 200, (name, response.text)
            items = response.json()["items"]
            assert len(items) == 1 if limit == 1 else len(items) >= 3, (name, len(items))
            costs.setdefault(name, []).append(counter.count)
            # Every user summary carries the signed-in viewer's follow flag.
            summaries = [item.get("author", item) for item in items]
            assert all(isinstance(s["isFollowing"], bool) for s in summaries), (name, summaries)
    event.remove(engine.sync_engine, "before_cursor_execute", counter)
    for name, (one, twenty) in costs.items():
        assert one == twenty, f"{name}: {one} statements for 1 item, {twenty} for 20"
        assert twenty <= 4, (
            f"{name}: {twenty} statements"
        )  # auth session + the page (+ existence checks)
    print({name: cost[1] for name, cost in costs.items()})


async def test_walks_never_repeat_or_skip_while_videos_are_published(
    app: tuple[Client, Container],
) -> None:
    client, container = app
    creator_id, auth = await _user(client, "creator")
    _viewer_id, viewer = await _user(client, "viewer")
    await client.put(f"{API}/users/{creator_id}/follow", headers=viewer)
    originals = [await _publish(client, container, auth, f"clip {i}") for i in range(7)]
    for limit in (1, 2, 7):
        for url in (f"{API}/videos", f"{API}/feed/following", f"{API}/users/{creator_id}/videos"):
            seen: list[str] = []
            cursor = None
            while True:
                params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
                page = (await client.get(url, params=params, headers=viewer)).json()
                seen += [v["id"] for v in page["items"]]
                await _publish(
                    client, container, auth, "new one"
                )  # published while the walk goes on
                cursor = page["nextCursor"]
                if cursor is None:
                    break
            assert len(seen) == len(set(seen)), url
            walked_originals = [v for v in seen if v in originals]
            assert walked_originals == list(reversed(originals)), url
