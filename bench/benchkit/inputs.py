"""Real inputs for the load: seeded ids picked with SQL, bearer tokens from the login API."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg

from benchkit.config import API, PASSWORD

LIKE_TARGETS_PER_USER = 8


@dataclass(frozen=True, slots=True)
class Picks:
    """Ids of the seeded data set. Every signed-in user follows someone with public videos (so
    their Following page is not empty) and has `like_targets` they have not liked yet."""

    user_ids: list[str]
    usernames: list[str]
    like_targets: list[list[str]]  # per signed-in user: public videos of others, not liked
    video_ids: list[str]  # public ready videos
    commented_video_ids: list[str]  # public ready videos with top-level comments
    owner_ids: list[str]  # users with public ready videos


@dataclass(slots=True)
class Inputs:
    """Picks plus one bearer token per signed-in user (tokens live 15 minutes: see `fresh`)."""

    picks: Picks
    tokens: list[str] = field(default_factory=list)
    obtained_at: float = 0.0

    def stale(self, max_age_seconds: float = 600) -> bool:
        return time.monotonic() - self.obtained_at > max_age_seconds


def pick(conninfo: str, *, users: int, ids: int = 1000, seed: float = 0.42) -> Picks:
    """Pick inputs at random, reproducibly for the same data (`setseed`)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SELECT setseed(%s)", [seed])

        def column(query: str, *params: object) -> list[str]:
            return [str(row[0]) for row in conn.execute(query, list(params)).fetchall()]

        signed_in = conn.execute(
            "SELECT u.id, u.username FROM users u WHERE u.following_count > 0 AND EXISTS ("
            " SELECT 1 FROM follows f JOIN videos v ON v.owner_id = f.followee_id"
            " WHERE f.follower_id = u.id AND v.status = 'ready' AND v.visibility = 'public')"
            " ORDER BY random() LIMIT %s",
            [users],
        ).fetchall()
        if len(signed_in) < users:
            raise RuntimeError(
                f"only {len(signed_in)} users follow someone with public videos; need {users}"
            )
        video_ids = column(
            "SELECT id FROM videos WHERE status = 'ready' AND visibility = 'public'"
            " ORDER BY random() LIMIT %s",
            ids,
        )
        commented = column(
            "SELECT v.id FROM videos v WHERE v.status = 'ready' AND v.visibility = 'public'"
            " AND EXISTS (SELECT 1 FROM comments c WHERE c.video_id = v.id AND c.parent_id IS NULL)"
            " ORDER BY random() LIMIT %s",
            ids,
        )
        # Owners other than the signed-in users: the owner's own list is another statement.
        owners = column(
            "SELECT u.id FROM users u WHERE u.id <> ALL(%s) AND EXISTS (SELECT 1 FROM videos v"
            " WHERE v.owner_id = u.id AND v.status = 'ready' AND v.visibility = 'public')"
            " ORDER BY random() LIMIT %s",
            [row[0] for row in signed_in],
            ids,
        )
        candidates = conn.execute(
            "SELECT id, owner_id FROM videos WHERE status = 'ready' AND visibility = 'public'"
            " ORDER BY random() LIMIT %s",
            [max(ids, users * LIKE_TARGETS_PER_USER * 4)],
        ).fetchall()
        user_ids = [row[0] for row in signed_in]
        liked = {
            (row[0], row[1])
            for row in conn.execute(
                "SELECT user_id, video_id FROM video_likes"
                " WHERE user_id = ANY(%s) AND video_id = ANY(%s)",
                [user_ids, [row[0] for row in candidates]],
            )
        }
    like_targets: list[list[str]] = []
    for index, user_id in enumerate(user_ids):
        targets: list[str] = []
        for offset in range(len(candidates)):  # a different stretch of candidates per user
            video_id, owner_id = candidates[
                (index * LIKE_TARGETS_PER_USER + offset) % len(candidates)
            ]
            if owner_id != user_id and (user_id, video_id) not in liked:
                targets.append(str(video_id))
                if len(targets) == LIKE_TARGETS_PER_USER:
                    break
        like_targets.append(targets)
    return Picks(
        user_ids=[str(u) for u in user_ids],
        usernames=[str(row[1]) for row in signed_in],
        like_targets=like_targets,
        video_ids=video_ids,
        commented_video_ids=commented,
        owner_ids=owners,
    )


def post_json(url: str, body: object, *, timeout: float = 60) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 (a local http:// URL we built)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        answer: dict[str, object] = json.loads(response.read())
        return answer


def login_all(base_url: str, picks: Picks, *, parallel: int = 4) -> Inputs:
    """Log every picked user in through the API (bcrypt-bound: a few per second per core)."""

    def login(username: str) -> str:
        tokens = post_json(f"{base_url}{API}/auth/login", {"login": username, "password": PASSWORD})
        return str(tokens["accessToken"])

    with ThreadPoolExecutor(parallel) as pool:
        tokens = list(pool.map(login, picks.usernames))
    return Inputs(picks=picks, tokens=tokens, obtained_at=time.monotonic())
