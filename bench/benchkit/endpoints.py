"""The benchmarked endpoints (paths as in docs/api.md) and the requests that load them."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchkit.config import API, PASSWORD
from benchkit.inputs import Picks

ROTATION = 1024  # distinct (token, id) combinations per read endpoint


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    token: int | None = None  # index into the tokens of the signed-in users
    body: str | None = None  # JSON


Builder = Callable[[Picks], list[Request]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One benchmarked route. `build` lists the requests in the order they must be sent; wrk
    threads share them round-robin, except `paired` ones, shared by target so that each thread
    keeps the PUT-then-DELETE order of its own (user, video) pairs."""

    name: str
    title: str
    build: Builder
    has_ceiling: bool
    paired: bool = False  # requests come in (PUT, DELETE) halves: split by target, not by index

    def per_thread(self, picks: Picks, threads: int) -> list[list[Request]]:
        requests = self.build(picks)
        if not self.paired:
            return [requests[t::threads] for t in range(threads)]
        half = len(requests) // 2  # [PUT every pair..., DELETE every pair...]
        puts, deletes = requests[:half], requests[half:]
        return [puts[t::threads] + deletes[t::threads] for t in range(threads)]

    def samples(self, picks: Picks) -> list[Request]:
        """One request per distinct operation (what the SQL capture issues)."""
        requests = self.build(picks)
        if self.paired:
            return [requests[0], requests[len(requests) // 2]]
        return [requests[0]]


def _rotate(picks: Picks, ids: Sequence[str], path: Callable[[str], str]) -> list[Request]:
    users = len(picks.user_ids)
    # A stride coprime with most id counts mixes users and ids instead of pairing them fixedly.
    return [Request("GET", path(ids[(i * 7) % len(ids)]), token=i % users) for i in range(ROTATION)]


def _same_path(path: str) -> Builder:
    def build(picks: Picks) -> list[Request]:
        return [Request("GET", path, token=i) for i in range(len(picks.user_ids))]

    return build


def _video(picks: Picks) -> list[Request]:
    return _rotate(picks, picks.video_ids, lambda v: f"{API}/videos/{v}")


def _user_videos(picks: Picks) -> list[Request]:
    return _rotate(picks, picks.owner_ids, lambda u: f"{API}/users/{u}/videos")


def _comments(picks: Picks) -> list[Request]:
    return _rotate(picks, picks.commented_video_ids, lambda v: f"{API}/videos/{v}/comments")


def _likes(picks: Picks) -> list[Request]:
    pairs = [(u, v) for u, targets in enumerate(picks.like_targets) for v in targets]
    return [Request("PUT", f"{API}/videos/{v}/like", token=u) for u, v in pairs] + [
        Request("DELETE", f"{API}/videos/{v}/like", token=u) for u, v in pairs
    ]


def _comment_posts(picks: Picks) -> list[Request]:
    users = len(picks.user_ids)
    return [
        Request(
            "POST",
            f"{API}/videos/{picks.video_ids[i % len(picks.video_ids)]}/comments",
            token=i % users,
            body=json.dumps({"body": f"Benchmark comment {i}: nice clip!"}),
        )
        for i in range(ROTATION)
    ]


def _logins(picks: Picks) -> list[Request]:
    return [
        Request("POST", f"{API}/auth/login", body=json.dumps({"login": name, "password": PASSWORD}))
        for name in picks.usernames
    ]


FOR_YOU = Endpoint("for_you", "GET /feed (For You)", _same_path(f"{API}/feed"), True)
FOLLOWING = Endpoint("following", "GET /feed/following", _same_path(f"{API}/feed/following"), True)
VIDEO = Endpoint("video", "GET /videos/{id}", _video, True)
USER_VIDEOS = Endpoint("user_videos", "GET /users/{id}/videos", _user_videos, True)
COMMENTS = Endpoint("comments", "GET /videos/{id}/comments", _comments, True)
ME = Endpoint("me", "GET /users/me", _same_path(f"{API}/users/me"), True)
LIKE = Endpoint("like", "PUT+DELETE /videos/{id}/like", _likes, False, paired=True)
COMMENT_POST = Endpoint("comment_post", "POST /videos/{id}/comments", _comment_posts, False)
LOGIN = Endpoint("login", "POST /auth/login", _logins, False)

ENDPOINTS = (FOR_YOU, FOLLOWING, VIDEO, USER_VIDEOS, COMMENTS, ME, LIKE, COMMENT_POST, LOGIN)
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
