"""Uploads while the storage cannot take them: 503 and nothing created; accepted again once it can."""

from __future__ import annotations

from collections.abc import Callable

from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.storage.memory import MemoryObjectStorage
from application.ports.object_storage import StorageError
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.fake_media import jpeg

API = "/api/v1"
BASE = "http://testserver.local"


class _MissingBucket(MemoryObjectStorage):
    """A storage that refuses everything while `missing`, as S3 does for a bucket that is gone."""

    missing = True

    async def check(self) -> None:
        if self.missing:
            raise StorageError("S3 refused head_bucket: 404 (HTTP 404).")


async def test_uploads_answer_503_while_the_storage_refuses_and_work_once_it_is_back(
    make_container: Callable[..., Container],
) -> None:
    container = make_container(public_url=BASE)
    storage = _MissingBucket(grants=container.core.upload_grants(), public_url=BASE)
    container.adapters.storage.override(providers.Object(storage))
    async with AsyncTestClient(app=create_app(container), base_url=BASE) as api:
        body = {"username": "ana", "email": "ana@example.com", "password": "x" * 12}
        account = (await api.post(f"{API}/auth/register", json=body)).json()
        auth = {"Authorization": f"Bearer {account['accessToken']}"}
        video = {"contentType": "video/mp4", "sizeBytes": 1000}
        avatar = {**auth, "Content-Type": "image/jpeg"}

        refused = await api.post(f"{API}/videos", json=video, headers=auth)
        assert refused.status_code == 503
        assert refused.json()["type"] == "urn:clipstream:problem:dependency-unavailable"
        assert refused.headers["retry-after"] == "5"
        picture = jpeg(64, 64, (1, 2, 3))
        no_avatar = await api.put(f"{API}/users/me/avatar", content=picture, headers=avatar)
        assert no_avatar.status_code == 503
        mine = await api.get(f"{API}/users/{account['user']['id']}/videos", headers=auth)
        assert mine.json()["items"] == []
        assert (await api.get(f"{API}/users/me", headers=auth)).json()["avatarUrl"] is None

        storage.missing = False
        assert (await api.post(f"{API}/videos", json=video, headers=auth)).status_code == 201
        put = await api.put(f"{API}/users/me/avatar", content=picture, headers=avatar)
        assert put.status_code == 200
