"""Reports, the moderators' queue and actions, suspension, roles and the audit log over HTTP (on
the in-memory adapters)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from domain.moderation import Role
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.unit.http.test_http_social import API, PASSWORD, Client, Person, person

MISSING = "0193a1b2-7c4d-7e5f-8a9b-0c1d2e3f4a5b"


@pytest.fixture
async def api(make_container: Callable[..., Container]) -> AsyncIterator[Client]:
    container = make_container(public_url="http://testserver.local", report_hide_threshold=2)
    async with AsyncTestClient(app=create_app(container)) as test_client:
        test_client.container = container  # type: ignore[attr-defined]  # see Person.publish
        yield test_client


async def with_role(api: Client, username: str, role: Role) -> Person:
    someone = await person(api, username)
    container: Container = api.container  # type: ignore[attr-defined]
    await container.safety.set_role_by_username().execute(username, role)
    return someone


async def report(who: Person, kind: str, target: str, reason: str = "spam", **more: Any) -> Any:
    body = {"targetType": kind, "targetId": target, "reason": reason, **more}
    return await who.call("POST", "/reports", json=body)


async def act(who: Person, kind: str, target: str, action: str, reason: str | None = None) -> Any:
    body = {"targetType": kind, "targetId": target, "action": action, "reason": reason}
    return await who.call("POST", "/moderation/actions", json=body)


# --- reports --------------------------------------------------------------------------------------


async def test_a_report_is_created_once_while_open(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("mine")
    first = await report(bob, "video", video["id"], "spam", details="  buy now  ")
    assert first.status_code == 201
    body = first.json()
    assert {k: body[k] for k in ("targetType", "targetId", "reason", "details", "status")} == {
        "targetType": "video",
        "targetId": video["id"],
        "reason": "spam",
        "details": "buy now",
        "status": "open",
    }
    again = await report(bob, "video", video["id"], "hate")
    assert again.status_code == 200
    assert again.json() == body


async def test_reports_are_refused_for_own_content_hidden_targets_and_bad_input(
    api: Client,
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    video = await ana.publish("mine")
    private = await ana.publish("secret", visibility="private")
    assert (await report(ana, "video", video["id"])).status_code == 422
    assert (await report(ana, "user", ana.id)).status_code == 422
    assert (await report(bob, "video", private["id"])).status_code == 404
    assert (await report(bob, "comment", MISSING)).status_code == 404
    assert (await report(bob, "user", MISSING)).status_code == 404
    assert (await report(bob, "video", video["id"], "boring")).status_code == 422
    assert (await report(bob, "video", video["id"], details="x" * 1001)).status_code == 422
    assert (await report(bob, "planet", video["id"])).status_code == 422
    anonymous = await api.post(
        f"{API}/reports", json={"targetType": "user", "targetId": ana.id, "reason": "spam"}
    )
    assert anonymous.status_code == 401
    await ana.call("PUT", f"/users/{bob.id}/block")
    assert (await report(bob, "video", video["id"])).status_code == 404


async def test_at_most_twenty_reports_an_hour(api: Client, clock: ManualClock) -> None:
    bob = await person(api, "bob")
    others = [await person(api, f"user{i:02}") for i in range(21)]
    for other in others[:20]:
        assert (await report(bob, "user", other.id)).status_code == 201
    refused = await report(bob, "user", others[20].id)
    assert refused.status_code == 429
    assert refused.json()["type"].endswith("too-many-reports")
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert (await report(bob, "user", others[0].id)).status_code == 200  # the open one: no limit
    clock.advance(timedelta(seconds=3600))
    login = await api.post(f"{API}/auth/login", json={"login": "bob", "password": PASSWORD})
    bob.auth = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    assert (await report(bob, "user", others[20].id)).status_code == 201


async def test_distinct_reporters_at_the_threshold_hide_a_video_pending_review(
    api: Client,
) -> None:
    ana, bob, cyd = [await person(api, name) for name in ("ana", "bob", "cyd")]
    mod = await with_role(api, "mod", Role.MODERATOR)
    video = await ana.publish("mine")
    await report(bob, "video", video["id"])
    await report(bob, "video", video["id"])  # the same reporter counts once
    assert (await cyd.call("GET", f"/videos/{video['id']}")).status_code == 200
    await report(cyd, "video", video["id"], "hate")
    assert (await cyd.call("GET", f"/videos/{video['id']}")).status_code == 404
    assert (await api.get(f"{API}/videos/{video['id']}/stream")).status_code == 404
    listed = (await cyd.call("GET", "/videos")).json()["items"]
    assert video["id"] not in [v["id"] for v in listed]
    owner_view = (await ana.call("GET", f"/videos/{video['id']}")).json()
    assert owner_view["moderation"] == {"state": "pending_review", "reason": None}
    seen = (await mod.call("GET", f"/videos/{video['id']}")).json()
    assert seen["moderation"]["state"] == "pending_review"
    assert video["id"] not in [v["id"] for v in (await mod.call("GET", "/videos")).json()["items"]]

    cases = (await mod.call("GET", "/moderation/cases")).json()["items"]
    assert [(c["targetId"], c["reportCount"], c["state"]) for c in cases] == [
        (video["id"], 2, "pending_review")
    ]
    assert cases[0]["reasons"] == {"spam": 1, "hate": 1}
    assert cases[0]["video"]["id"] == video["id"]
    assert cases[0]["user"]["id"] == ana.id

    dismissed = await act(mod, "video", video["id"], "dismiss")
    assert dismissed.status_code == 200
    assert (dismissed.json()["status"], dismissed.json()["state"]) == ("resolved", "visible")
    assert (await cyd.call("GET", f"/videos/{video['id']}")).status_code == 200
    assert (await mod.call("GET", "/moderation/cases")).json()["items"] == []
    resolved = (await mod.call("GET", "/moderation/cases?status=resolved")).json()["items"]
    assert [c["targetId"] for c in resolved] == [video["id"]]


async def test_removing_and_restoring_a_comment(api: Client) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    mod = await with_role(api, "mod", Role.MODERATOR)
    video = await ana.publish("mine")
    said = (await bob.call("POST", f"/videos/{video['id']}/comments", json={"body": "rude"})).json()
    await report(ana, "comment", said["id"], "harassment")
    removed = await act(mod, "comment", said["id"], "remove", "harassment")
    assert removed.json()["state"] == "removed"
    assert removed.json()["comment"]["moderation"] == {"state": "removed", "reason": "harassment"}
    assert (await ana.call("GET", f"/comments/{said['id']}")).status_code == 404
    mine = (await bob.call("GET", f"/comments/{said['id']}")).json()
    assert mine["moderation"] == {"state": "removed", "reason": "harassment"}
    listed = (await ana.call("GET", f"/videos/{video['id']}/comments")).json()["items"]
    assert listed == []
    assert (await act(mod, "comment", said["id"], "restore")).json()["state"] == "visible"
    assert (await ana.call("GET", f"/comments/{said['id']}")).status_code == 200


async def test_a_suspension_refuses_logins_ends_tokens_and_hides_the_account(
    api: Client,
) -> None:
    ana, bob = await person(api, "ana"), await person(api, "bob")
    mod = await with_role(api, "mod", Role.MODERATOR)
    video = await ana.publish("mine")
    login = {"login": "ana", "password": PASSWORD}
    refresh_token = (await api.post(f"{API}/auth/login", json=login)).json()["refreshToken"]

    suspended = await act(mod, "user", ana.id, "suspend", "spam account")
    assert suspended.status_code == 200
    assert (suspended.json()["state"], suspended.json()["user"]["id"]) == ("suspended", ana.id)
    assert (await ana.call("GET", "/users/me")).status_code == 401  # earlier tokens
    refused = await api.post(f"{API}/auth/login", json=login)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("account-suspended")
    wrong = await api.post(f"{API}/auth/login", json={"login": "ana", "password": "x" * 12})
    assert wrong.status_code == 401  # the suspension is told only to whoever knows the password
    refreshed = await api.post(f"{API}/auth/refresh", json={"refreshToken": refresh_token})
    assert refreshed.status_code == 403
    assert (await bob.call("GET", f"/users/{ana.id}")).status_code == 404
    assert (await bob.call("GET", f"/videos/{video['id']}")).status_code == 404
    assert (await bob.call("GET", "/users", params={"q": "ana"})).json()["items"] == []
    assert (await mod.call("GET", f"/users/{ana.id}")).status_code == 200
    assert (await mod.call("GET", f"/videos/{video['id']}")).status_code == 200

    assert (await act(mod, "user", ana.id, "unsuspend")).json()["state"] == "visible"
    assert (await api.post(f"{API}/auth/login", json=login)).status_code == 200
    assert (await bob.call("GET", f"/videos/{video['id']}")).status_code == 200


async def test_actions_that_do_not_apply_and_missing_targets_are_refused(api: Client) -> None:
    ana = await person(api, "ana")
    mod = await with_role(api, "mod", Role.MODERATOR)
    video = await ana.publish("mine")
    for kind, target, action in [
        ("video", video["id"], "suspend"),
        ("user", ana.id, "remove"),
        ("comment", MISSING, "unsuspend"),
    ]:
        answered = await act(mod, kind, target, action)
        assert answered.status_code == 422, (kind, action)
        assert answered.headers["content-type"].startswith("application/problem+json")
    assert (await act(mod, "video", MISSING, "remove")).status_code == 404
    assert (await act(mod, "user", mod.id, "suspend")).status_code == 422
    assert (await act(mod, "video", video["id"], "remove", "x" * 501)).status_code == 422
    assert (await act(mod, "video", video["id"], "ban")).status_code == 422
    assert (await mod.call("GET", "/moderation/cases?status=closed")).status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/moderation/cases", None),
        ("GET", "/moderation/log", None),
        (
            "POST",
            "/moderation/actions",
            {"targetType": "user", "targetId": MISSING, "action": "dismiss"},
        ),
    ],
)
async def test_moderator_routes_are_for_moderators_and_admins_only(
    api: Client, method: str, path: str, body: Any
) -> None:
    user = await person(api, "user")
    mod = await with_role(api, "mod", Role.MODERATOR)
    admin = await with_role(api, "admin", Role.ADMIN)
    assert (await api.request(method, f"{API}{path}", json=body)).status_code == 401
    refused = await user.call(method, path, json=body)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    expected = 404 if method == "POST" else 200  # the action's target is missing
    assert (await mod.call(method, path, json=body)).status_code == expected
    assert (await admin.call(method, path, json=body)).status_code == expected


async def test_roles_are_granted_by_admins_and_read_on_every_request(api: Client) -> None:
    ana = await person(api, "ana")
    mod = await with_role(api, "mod", Role.MODERATOR)
    admin = await with_role(api, "admin", Role.ADMIN)
    assert (await admin.call("GET", "/users/me")).json()["role"] == "admin"
    path = f"/admin/users/{ana.id}/role"
    assert (await mod.call("PUT", path, json={"role": "moderator"})).status_code == 403
    assert (await ana.call("PUT", path, json={"role": "admin"})).status_code == 403
    granted = await admin.call("PUT", path, json={"role": "moderator"})
    assert granted.status_code == 200
    assert granted.json()["id"] == ana.id
    # The same access token: the role is read from the database, so it applies at once.
    assert (await ana.call("GET", "/moderation/cases")).status_code == 200
    assert (await ana.call("GET", "/users/me")).json()["role"] == "moderator"
    await admin.call("PUT", path, json={"role": "user"})
    assert (await ana.call("GET", "/moderation/cases")).status_code == 403
    own = await admin.call("PUT", f"/admin/users/{admin.id}/role", json={"role": "user"})
    assert own.status_code == 422
    assert (
        await admin.call("PUT", f"/admin/users/{MISSING}/role", json={"role": "user"})
    ).status_code == 404
    assert (await admin.call("PUT", path, json={"role": "owner"})).status_code == 422


async def test_the_audit_log_lists_every_action_newest_first(api: Client) -> None:
    ana = await person(api, "ana")
    mod = await with_role(api, "mod", Role.MODERATOR)
    admin = await with_role(api, "admin", Role.ADMIN)
    video = await ana.publish("mine")
    await act(mod, "video", video["id"], "remove", "spam")
    await act(mod, "video", video["id"], "restore", "appeal upheld")
    await admin.call("PUT", f"/admin/users/{ana.id}/role", json={"role": "moderator"})
    log = (await mod.call("GET", "/moderation/log")).json()
    assert [
        (e["actor"]["username"], e["action"], e["targetId"], e["reason"]) for e in log["items"]
    ] == [
        ("admin", "set_role", ana.id, "role: moderator"),
        ("mod", "restore", video["id"], "appeal upheld"),
        ("mod", "remove", video["id"], "spam"),
    ]
    first = (await mod.call("GET", "/moderation/log", params={"limit": 2})).json()
    rest = (await mod.call("GET", "/moderation/log", params={"cursor": first["nextCursor"]})).json()
    assert [e["id"] for e in first["items"] + rest["items"]] == [e["id"] for e in log["items"]]


def test_the_document_states_both_answers_of_a_report(
    make_container: Callable[..., Container],
) -> None:
    document = create_app(make_container()).openapi_schema.to_schema()
    answers = document["paths"]["/api/v1/reports"]["post"]["responses"]
    assert {"200", "201"} <= set(answers)
