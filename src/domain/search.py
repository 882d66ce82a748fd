"""Search queries: what `q` means, as every search index matches it.

A query is split into terms at white space; `"..."` groups words into a phrase. A term is:
- a word (`cats`), found anywhere in the caption (hashtags are words of the caption too);
- several words joined by punctuation (`e-mail`, `rock'n'roll`): a phrase of those words;
- a phrase (`"funny dog"`): those words next to each other, in that order;
- an exclusion (`-spam`, `-"bad words"`): videos containing it are left out;
- a hashtag (`#cats`): the video has that hashtag (and its word counts for relevance).
The last term, when it is a plain word or words (not quoted, excluded or a hashtag), also matches as
a prefix: `cat` finds `cats`. Case and accents are ignored. Words are runs of letters and digits
(`_` and other punctuation separate words). A query needs something to find: exclusions alone find
nothing. Only the first `MAX_TERMS` terms count.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from domain.videos import HASHTAG_MAX

MAX_TERMS = 16
WORD_MAX = 100
_WORD_RE = re.compile(r"[^\W_]+")
_TERM_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_HASHTAG_RE = re.compile(rf"\w{{1,{HASHTAG_MAX}}}")


def fold(text: str) -> str:
    """Lower-cased, without accents (`Café` → `cafe`): how search compares words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_words(text: str) -> tuple[str, ...]:
    """The folded words of a text, in order (repeats kept), each cut to `WORD_MAX` characters."""
    return tuple(word[:WORD_MAX] for word in _WORD_RE.findall(fold(text)))


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A parsed query. Every phrase must match (a one-word phrase is a word), no excluded phrase may
    match, and the video must carry every hashtag; `prefix`: the last phrase's last word also matches
    as a prefix."""

    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    hashtags: tuple[str, ...] = ()
    prefix: bool = False

    @property
    def finds_anything(self) -> bool:
        """Whether the query has something to look for (exclusions alone have not)."""
        return bool(self.phrases)


def parse_search(text: str) -> SearchTerms:
    """The terms of a query (see the module docstring)."""
    phrases: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    hashtags: list[str] = []
    prefix = False
    for match in list(_TERM_RE.finditer(text))[:MAX_TERMS]:
        minus, quoted, bare = match.group(1), match.group(2), match.group(3)
        prefix = False
        if quoted is not None:
            words = search_words(quoted)
            if words:
                (excluded if minus else phrases).append(words)
            continue
        if bare.startswith("-") and len(bare) > 1:
            if words := search_words(bare[1:]):
                excluded.append(words)
            continue
        if bare.startswith("#") and _HASHTAG_RE.fullmatch(bare[1:]):
            if words := search_words(bare[1:]):  # a tag of only '_' has no word to find
                hashtags.append(bare[1:].lower())
                phrases.append(words)
            continue
        if words := search_words(bare):
            phrases.append(words)
            prefix = True
    if prefix:  # the prefix phrase stays last when it repeats an earlier one
        last = phrases.pop()
        phrases = [phrase for phrase in phrases if phrase != last] + [last]
    return SearchTerms(
        phrases=tuple(dict.fromkeys(phrases)),
        excluded=tuple(dict.fromkeys(excluded)),
        hashtags=tuple(dict.fromkeys(hashtags)),
        prefix=prefix and bool(phrases),
    )


RELEVANCE_STEPS = 100
"""Relevance is compared in steps of 1/100: within one step (a near-tie), engagement decides."""
ENGAGEMENT_SCALE = 1e-3
"""Weight of ln(1 + engagement points): below one relevance step for any realistic engagement."""

VIDEO_SCORE = (
    "score = floor(relevance * 100) + ln(1 + engagement points) / 1000, relevance in [0, 1): "
    "relevance decides in steps of 1/100 and engagement (views, likes, comments: see For You) "
    "breaks near-ties; equal scores go newest id first. Relevance is the index's own: PostgreSQL's "
    "ts_rank_cd (phrases and words close together count more) as r / (r + 1); SQLite's FTS5 bm25 "
    "as b / (b + 1)."
)


def video_score(relevance: float, engagement_points: int) -> float:
    """The score of a matching video (`VIDEO_SCORE`)."""
    return (
        math.floor(relevance * RELEVANCE_STEPS) + math.log1p(engagement_points) * ENGAGEMENT_SCALE
    )


USER_SCORE = (
    "2 + s for an exact username or display name, 1 + s for a prefix of either, s for a similar "
    "spelling (s in [0, 1]: shared trigrams on PostgreSQL; on SQLite, which has none, names starting "
    "with the same two characters are the similar ones and s = 1 / (1 + the difference in length)); "
    "equal scores go newest "
    "id first."
)
