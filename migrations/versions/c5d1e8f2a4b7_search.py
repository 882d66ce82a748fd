"""Search: full-text search of captions and trigram search of users.

PostgreSQL: the `unaccent` and `pg_trgm` extensions (contrib, trusted: the database owner may create
them), the text search configuration `clipstream_search` (`simple` after `unaccent`: no stemming,
no stop words, accents and case ignored), a stored tsvector of each video's caption with a GIN index
over published videos, and GIN trigram indexes on usernames and display names.

SQLite: the FTS5 table `video_search` (unicode61 tokenizer, diacritics removed) over captions, its
rows keyed by the integer keys of `video_search_keys` (a video's rowid is not stable across VACUUM),
kept in step with `videos` by triggers.

Revision ID: c5d1e8f2a4b7
Revises: a4c6e8f0b2d1
Create Date: 2026-12-02 09:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c5d1e8f2a4b7"
down_revision: str | Sequence[str] | None = "a4c6e8f0b2d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED_VIDEO = "status = 'ready' AND visibility = 'public'"

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION clipstream_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION clipstream_search ALTER MAPPING FOR"
    " asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple",
    "ALTER TABLE videos ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    " (to_tsvector('clipstream_search'::regconfig, caption)) STORED",
    "CREATE INDEX ix_videos_search_vector ON videos USING gin (search_vector)"
    f" WHERE {PUBLISHED_VIDEO}",
    "CREATE INDEX ix_users_username_trgm ON users USING gin (username gin_trgm_ops)",
    "CREATE INDEX ix_users_display_name_trgm ON users USING gin (display_name gin_trgm_ops)",
]

POSTGRES_DOWN = [
    "DROP INDEX ix_users_display_name_trgm",
    "DROP INDEX ix_users_username_trgm",
    "DROP INDEX ix_videos_search_vector",
    "ALTER TABLE videos DROP COLUMN search_vector",
    "DROP TEXT SEARCH CONFIGURATION clipstream_search",
    "DROP EXTENSION IF EXISTS pg_trgm",
    "DROP EXTENSION IF EXISTS unaccent",
]

SQLITE_UP = [
    "CREATE TABLE video_search_keys (rowid INTEGER PRIMARY KEY, video_id CHAR(32) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE video_search USING fts5(caption,"
    " tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO video_search_keys (video_id) SELECT id FROM videos",
    "INSERT INTO video_search (rowid, caption) SELECT k.rowid, v.caption"
    " FROM video_search_keys AS k JOIN videos AS v ON v.id = k.video_id",
    """CREATE TRIGGER video_search_insert AFTER INSERT ON videos BEGIN
        INSERT INTO video_search_keys (video_id) VALUES (NEW.id);
        INSERT INTO video_search (rowid, caption) VALUES (last_insert_rowid(), NEW.caption);
    END""",
    """CREATE TRIGGER video_search_update AFTER UPDATE OF caption ON videos BEGIN
        UPDATE video_search SET caption = NEW.caption
        WHERE rowid = (SELECT rowid FROM video_search_keys WHERE video_id = NEW.id);
    END""",
    """CREATE TRIGGER video_search_delete AFTER DELETE ON videos BEGIN
        DELETE FROM video_search
        WHERE rowid = (SELECT rowid FROM video_search_keys WHERE video_id = OLD.id);
        DELETE FROM video_search_keys WHERE video_id = OLD.id;
    END""",
]

SQLITE_DOWN = [
    "DROP TRIGGER video_search_delete",
    "DROP TRIGGER video_search_update",
    "DROP TRIGGER video_search_insert",
    "DROP TABLE video_search",
    "DROP TABLE video_search_keys",
]


def upgrade() -> None:
    statements = POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
