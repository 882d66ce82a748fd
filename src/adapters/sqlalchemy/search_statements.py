"""The statements of search, built once per shape like those of `read_statements`.

PostgreSQL: videos match `search_vector @@ to_tsquery('clipstream_search', ...)` (a stored
tsvector of the caption, `unaccent` then `simple` dictionaries, GIN-indexed over published videos),
ranked by `ts_rank_cd`; users match `pg_trgm` (GIN trigram indexes on username and display name).
SQLite: videos match the FTS5 table `video_search` (unicode61 tokenizer, diacritics removed), ranked
by bm25; users match by username range (the unique index) and display name. The search objects of
each dialect come from the revision `c5d1e8f2a4b7`; `tables.py` cannot spell them (a generated
tsvector column, operator classes, an FTS5 virtual table), so `migrate.SEARCH_OBJECTS` keeps them out
of the schema comparison and the EXPLAIN tests prove they are used.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)

from adapters.sqlalchemy.read_statements import (
    PUBLISHED,
    keyset_page,
    listed_videos,
)
from adapters.sqlalchemy.tables import users, video_hashtags, videos
from adapters.sqlalchemy.visibility_statements import listed_account
from domain.search import ENGAGEMENT_SCALE, RELEVANCE_STEPS, SearchTerms

SCORE = "search_score"
"""Label of the score column."""

LIKE_ESCAPE = "\\"
TEXT_SEARCH_CONFIGURATION = "clipstream_search"
TRIGRAM_THRESHOLD = 0.3
"""pg_trgm's default `similarity_threshold`, the `%` operator's (the memory adapter uses it too)."""

_search_vector: ColumnElement[Any] = literal_column("videos.search_vector")
# The FTS5 table and the integer keys of its rows (SQLite).
_fts = table("video_search", literal_column("rowid"))
_fts_keys = table("video_search_keys", literal_column("rowid"), literal_column("video_id"))


def _tsquery_text(terms: SearchTerms) -> str:
    """The `to_tsquery` text of the terms: quoted words (letters and digits only), `<->` between
    the words of a phrase, `:*` on the prefix, `!` on exclusions, `&` between terms."""

    def phrase(words: tuple[str, ...], prefix: bool) -> str:
        quoted = [f"'{word}'" for word in words]
        if prefix:
            quoted[-1] += ":*"
        return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"

    last = len(terms.phrases) - 1
    parts = [phrase(words, terms.prefix and i == last) for i, words in enumerate(terms.phrases)]
    parts += [f"!{phrase(words, False)}" for words in terms.excluded]
    return " & ".join(parts)


def _fts5_text(terms: SearchTerms) -> str:
    """The FTS5 MATCH text of the terms: quoted phrases, `*` after the prefix, `NOT` exclusions."""
    last = len(terms.phrases) - 1
    wanted = " AND ".join(
        '"' + " ".join(words) + '"' + ("*" if terms.prefix and i == last else "")
        for i, words in enumerate(terms.phrases)
    )
    text = f"({wanted})"
    for words in terms.excluded:
        text += ' NOT "' + " ".join(words) + '"'
    return text


def video_search_params(dialect_name: str, terms: SearchTerms) -> dict[str, Any]:
    """The parameters of `video_search` for these terms."""
    params: dict[str, Any] = {f"hashtag_{i}": tag for i, tag in enumerate(terms.hashtags)}
    params["match"] = _tsquery_text(terms) if dialect_name == "postgresql" else _fts5_text(terms)
    return params


def _engagement() -> Any:
    return func.ln(1 + cast(videos.c.engagement_points, Double)) * ENGAGEMENT_SCALE


@functools.lru_cache(maxsize=128)
def video_search(dialect_name: str, signed_in: bool, hashtags: int, after: bool) -> Select[Any]:
    """A page of the published videos matching `match`, highest score first (see
    `domain.search.VIDEO_SCORE`), carrying every hashtag `hashtag_0` ... `hashtag_{hashtags - 1}`."""
    match = bindparam("match", type_=String)
    query = listed_videos(dialect_name, signed_in)  # the visibility rule
    relevance: ColumnElement[Any]
    if dialect_name == "postgresql":
        tsquery = func.to_tsquery(
            literal_column(f"'{TEXT_SEARCH_CONFIGURATION}'::regconfig"), match
        )
        # r / (r + 1) (normalisation 32), so relevance lies in [0, 1).
        relevance = cast(func.ts_rank_cd(_search_vector, tsquery, 32), Double)
        query = query.where(PUBLISHED, _search_vector.op("@@")(tsquery))
    else:
        bm25 = -func.bm25(literal_column("video_search"))
        relevance = bm25 / (bm25 + 1)
        query = query.join(_fts_keys, _fts_keys.c.video_id == videos.c.id).join(
            _fts, _fts.c.rowid == _fts_keys.c.rowid
        )
        query = query.where(PUBLISHED, literal_column("video_search").op("MATCH")(match))
    score = (func.floor(relevance * RELEVANCE_STEPS) + _engagement()).label(SCORE)
    for index in range(hashtags):
        tag = bindparam(f"hashtag_{index}", type_=video_hashtags.c.hashtag.type)
        query = query.where(
            exists().where(
                video_hashtags.c.video_id == videos.c.id, video_hashtags.c.hashtag == tag
            )
        )
    query = query.add_columns(score)
    return keyset_page(query, (score, videos.c.id), after=after)


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def user_search_params(dialect_name: str, text: str) -> dict[str, Any]:
    """The parameters of `user_search` for this (lower-cased) text."""
    params: dict[str, Any] = {"q": text, "q_like": _like_prefix(text)}
    if dialect_name != "postgresql":
        # The ranges of usernames starting with the text, and with its first two characters (the
        # "similar" candidates where there are no trigrams).
        params["q_end"] = text + "\U0010ffff"
        params["q2"] = text[:2]
        params["q2_end"] = text[:2] + "\U0010ffff"
    return params


@functools.cache
def user_search(dialect_name: str, signed_in: bool, after: bool) -> Select[Any]:
    """A page of the users listed for `viewer_id` (the visibility rule: `listed_account`) matching
    `q` (see `domain.search.USER_SCORE`), highest score first."""
    q = bindparam("q", type_=String)
    q_like = bindparam("q_like", type_=String)
    display = func.lower(func.coalesce(users.c.display_name, ""))
    similarity: ColumnElement[Any]
    exact = or_(users.c.username == q, display == q)
    if dialect_name == "postgresql":
        prefix = or_(
            users.c.username.like(q_like, escape=LIKE_ESCAPE),
            users.c.display_name.ilike(q_like, escape=LIKE_ESCAPE),
        )
        similar = or_(users.c.username.op("%")(q), users.c.display_name.op("%")(q))
        similarity = func.greatest(
            cast(func.similarity(users.c.username, q), Double),
            cast(func.similarity(func.coalesce(users.c.display_name, ""), q), Double),
        )
        found = or_(prefix, similar)
    else:
        in_range = and_(users.c.username >= q, users.c.username < bindparam("q_end", type_=String))
        near = and_(
            users.c.username >= bindparam("q2", type_=String),
            users.c.username < bindparam("q2_end", type_=String),
        )
        display_prefix = display.like(q_like, escape=LIKE_ESCAPE)
        prefix = or_(in_range, display_prefix)
        # Without trigrams: how close the lengths are, in (0, 1].
        similarity = 1.0 / (1 + func.abs(func.length(users.c.username) - func.length(q)))
        found = or_(in_range, near, display_prefix)
    tier = case((exact, 2), (prefix, 1), else_=0)
    score = (cast(tier, Double) + similarity).label(SCORE)
    query = select(users, score).where(found, listed_account(signed_in))
    return keyset_page(query, (score, users.c.id), after=after)
