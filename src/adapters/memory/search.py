"""In-memory search: the same rules as the SQL indexes, by scanning the state."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from adapters.memory.blocks import listed
from adapters.memory.store import MemoryDatabase
from adapters.memory.videos import MemoryVideoQueries
from application.ports.search_index import FoundUser, FoundVideo, SearchIndex, SearchKey
from domain.moderation import ModerationState
from domain.search import SearchTerms, search_words, video_score
from domain.users import User

TRIGRAM_THRESHOLD = 0.3  # pg_trgm's default similarity_threshold


def _occurrences(words: tuple[str, ...], phrase: tuple[str, ...], prefix: bool) -> int:
    """How many times the phrase occurs in the words (its last word as a prefix when `prefix`)."""
    size = len(phrase)
    count = 0
    for start in range(len(words) - size + 1):
        window = words[start : start + size]
        if window[:-1] != phrase[:-1]:
            continue
        last = window[-1]
        if last == phrase[-1] or (prefix and last.startswith(phrase[-1])):
            count += 1
    return count


def _relevance(caption: str, terms: SearchTerms) -> float | None:
    """None when the caption does not match; else matched occurrences n as r / (r + 1), r = n / 10
    (the shape of PostgreSQL's ts_rank_cd with its normalisation 32)."""
    words = search_words(caption)
    last = len(terms.phrases) - 1
    total = 0
    for i, phrase in enumerate(terms.phrases):
        found = _occurrences(words, phrase, terms.prefix and i == last)
        if not found:
            return None
        total += found
    if any(_occurrences(words, phrase, False) for phrase in terms.excluded):
        return None
    r = total / 10
    return r / (r + 1)


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: of each word of letters and digits, lower-cased, padded with two
    spaces before and one after."""
    found: set[str] = set()
    for word in "".join(ch if ch.isalnum() else " " for ch in text.lower()).split():
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity`: shared trigrams over all trigrams of both."""
    first, second = trigrams(a), trigrams(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def _user_score(user: User, text: str) -> float | None:
    names = [user.username, (user.display_name or "").lower()]
    s = max(similarity(name, text) for name in names)
    if text in names:
        return 2 + s
    if any(name.startswith(text) for name in names):
        return 1 + s
    return s if s >= TRIGRAM_THRESHOLD else None


def _below(after: SearchKey | None, key: SearchKey) -> bool:
    return after is None or key < after


class MemorySearchIndex(SearchIndex):
    """Scans the in-memory videos and users."""

    def __init__(self, store: MemoryDatabase, videos: MemoryVideoQueries) -> None:
        self._store = store
        self._videos = videos

    async def find_videos(
        self,
        terms: SearchTerms,
        viewer_id: UUID | None,
        *,
        after: SearchKey | None,
        limit: int,
    ) -> Sequence[FoundVideo]:
        if not terms.finds_anything:
            return []
        async with self._store.lock:
            found: list[tuple[float, UUID]] = []
            for video in self._store.state.videos.values():
                if not video.is_published or not set(terms.hashtags) <= set(video.hashtags):
                    continue
                if not self._videos.listed(video, viewer_id):
                    continue
                relevance = _relevance(video.caption, terms)
                if relevance is None:
                    continue
                key = (video_score(relevance, video.engagement_points), video.id)
                if _below(after, key):
                    found.append(key)
            found.sort(reverse=True)
            return [
                FoundVideo(
                    view=self._videos.view_of(self._store.state.videos[video_id], viewer_id),
                    score=score,
                )
                for score, video_id in found[:limit]
            ]

    async def find_users(
        self, text: str, viewer_id: UUID | None, *, after: SearchKey | None, limit: int
    ) -> Sequence[FoundUser]:
        async with self._store.lock:
            state = self._store.state
            found: list[tuple[float, UUID, User]] = []
            for user in state.users.values():
                if not listed(state, viewer_id, user.id, ModerationState.VISIBLE):
                    continue
                score = _user_score(user, text)
                if score is not None and _below(after, (score, user.id)):
                    found.append((score, user.id, user))
            found.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
            return [FoundUser(user=user, score=score) for score, _, user in found[:limit]]
