"""The SQL schema as SQLAlchemy Core tables; Alembic revisions must match it exactly."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from adapters.sqlalchemy.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Byte-order ("C") collation on PostgreSQL: `LIKE 'prefix%'` and `ORDER BY username` can use the
# unique index, and the order matches Python's string order (what the in-memory adapter uses).
_username_type = String(30).with_variant(String(30, collation="C"), "postgresql")


def _counter(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default=text("0"))


# Moderation of videos and comments (`domain.moderation.ModerationState`, which the adapters
# parse on every read); only `visible` is listed.
def _moderation_state() -> Column[str]:
    return Column("moderation_state", String(16), nullable=False, server_default=text("'visible'"))


# The predicate of the partial index on suspended accounts.
SUSPENDED_USER = "suspended_at IS NOT NULL"

# The predicate of the partial index on revoked sessions; queries must spell the same condition.
REVOKED_SESSION = "revoked_at IS NOT NULL"

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", _username_type, nullable=False, unique=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("display_name", String(50), nullable=True),
    Column("bio", String(500), nullable=True),
    Column("avatar_url", String(2048), nullable=True),
    Column("avatar_version", String(64), nullable=True),  # of the avatar uploaded here, if any
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    _counter("follower_count"),
    _counter("following_count"),
    _counter("video_count"),
    _counter("like_count"),
    Column("role", String(10), nullable=False, server_default=text("'user'")),
    Column("suspended_at", UtcDateTime, nullable=True),
    # The suspended accounts (few), whose content every list leaves out.
    Index(
        "ix_users_suspended",
        "id",
        postgresql_where=text(SUSPENDED_USER),
        sqlite_where=text(SUSPENDED_USER),
    ),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "user_id",
        Uuid,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    # Revoked sessions, for the retention sweep (most sessions are never revoked).
    Index(
        None,
        "revoked_at",
        postgresql_where=text(REVOKED_SESSION),
        sqlite_where=text(REVOKED_SESSION),
    ),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "session_id",
        Uuid,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("spent_at", UtcDateTime, nullable=True),
)

# --- videos ---------------------------------------------------------------------------------------

# The predicates of the partial indexes; queries must spell the same conditions for the planner to
# use them.
PUBLISHED_VIDEO = "status = 'ready' AND visibility = 'public'"
UPLOADING_VIDEO = "status = 'uploading'"

videos = Table(
    "videos",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("caption", String(2200), nullable=False),
    Column("visibility", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("failure_reason", String(500), nullable=True),
    Column("content_type", String(100), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("storage_key", String(300), nullable=False, unique=True),
    Column("upload_id", String(1024), nullable=True),
    Column("upload_expires_at", UtcDateTime, nullable=True),
    Column("duration_seconds", Double, nullable=True),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    _counter("view_count"),
    _counter("like_count"),
    _counter("comment_count"),
    _counter("share_count"),
    # Monotone engagement points ranking For You (views, likes, comments ever recorded).
    _counter("engagement_points"),
    # domain.ranking.rank of a published video (NULL before publication), kept with the points.
    Column("rank", Double, nullable=True),
    # What processing made: [[width, height, kbps], ...] smallest first; the poster's version.
    Column("renditions", JSON, nullable=True),
    Column("poster_version", String(64), nullable=True),
    Column("blurhash", String(100), nullable=True),
    Column("poster_at_seconds", Double, nullable=True),
    _moderation_state(),
    Column("moderation_reason", String(500), nullable=True),
    CheckConstraint("status IN ('uploading', 'processing', 'ready', 'failed')", name="status"),
    CheckConstraint("visibility IN ('public', 'unlisted', 'private')", name="visibility"),
    # An owner's videos, newest first (keyset on created_at, id).
    Index(None, "owner_id", "created_at", "id"),
    # Public ready videos, newest published first (keyset on published_at, id).
    Index(
        None,
        "published_at",
        "id",
        postgresql_where=text(PUBLISHED_VIDEO),
        sqlite_where=text(PUBLISHED_VIDEO),
    ),
    # For You: public ready videos by rank, highest first (keyset on rank, id).
    Index(
        None,
        "rank",
        "id",
        postgresql_where=text(PUBLISHED_VIDEO),
        sqlite_where=text(PUBLISHED_VIDEO),
    ),
    # The sweep of expired uploads.
    Index(
        None,
        "upload_expires_at",
        postgresql_where=text(UPLOADING_VIDEO),
        sqlite_where=text(UPLOADING_VIDEO),
    ),
    # The Following feed: each followed owner's public ready videos, newest published first.
    Index(
        None,
        "owner_id",
        "published_at",
        "id",
        postgresql_where=text(PUBLISHED_VIDEO),
        sqlite_where=text(PUBLISHED_VIDEO),
    ),
)

# Hashtags and caption words of each video, for exact-match filters; rewritten with the caption.
video_hashtags = Table(
    "video_hashtags",
    metadata,
    Column("hashtag", String(100), primary_key=True),
    Column(
        "video_id",
        Uuid,
        ForeignKey("videos.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    # The order of `Video.hashtags`.
    Column("position", SmallInteger, nullable=False),
)

video_words = Table(
    "video_words",
    metadata,
    Column("word", String(100), primary_key=True),
    Column(
        "video_id",
        Uuid,
        ForeignKey("videos.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

# --- social: follows, likes, comments ----------------------------------------------------------------

# The predicates of the partial indexes on comments; queries must spell the same conditions.
TOP_LEVEL_COMMENT = "parent_id IS NULL"
PINNED_COMMENT = "pinned_at IS NOT NULL"


follows = Table(
    "follows",
    metadata,
    Column("follower_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("followee_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("follower_id <> followee_id", name="not_self"),
    # A user's followers, newest follow first (keyset on created_at, follower_id).
    Index(None, "followee_id", "created_at", "follower_id"),
    # Whom a user follows, newest follow first (keyset on created_at, followee_id).
    Index(None, "follower_id", "created_at", "followee_id"),
)

video_likes = Table(
    "video_likes",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "video_id",
        Uuid,
        ForeignKey("videos.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    # Who liked a video, newest like first (keyset on created_at, user_id); also what deleting a
    # video cascades through.
    Index(None, "video_id", "created_at", "user_id"),
    # The videos a user liked, newest like first (keyset on created_at, video_id).
    Index(None, "user_id", "created_at", "video_id"),
)

# Videos a user saved to watch later: private to the saver.
video_saves = Table(
    "video_saves",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "video_id",
        Uuid,
        ForeignKey("videos.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    # The videos a user saved, newest save first (keyset on created_at, video_id).
    Index(None, "user_id", "created_at", "video_id"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("video_id", Uuid, ForeignKey("videos.id", ondelete="CASCADE"), nullable=False),
    # A reply's top-level comment (threads are one level deep); NULL for a top-level comment.
    Column("parent_id", Uuid, ForeignKey("comments.id", ondelete="CASCADE"), nullable=True),
    Column("author_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("body", String(1000), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("edited_at", UtcDateTime, nullable=True),
    _counter("reply_count"),
    _counter("like_count"),
    _moderation_state(),
    Column("moderation_reason", String(500), nullable=True),
    # When the video's owner pinned this top-level comment (NULL: not pinned); one per video.
    Column("pinned_at", UtcDateTime, nullable=True),
    # A video's top-level comments, newest first (keyset on created_at, id).
    Index(
        None,
        "video_id",
        "created_at",
        "id",
        postgresql_where=text(TOP_LEVEL_COMMENT),
        sqlite_where=text(TOP_LEVEL_COMMENT),
    ),
    # A video's top-level comments, most liked first, then newest (keyset on like_count,
    # created_at, id).
    Index(
        None,
        "video_id",
        "like_count",
        "created_at",
        "id",
        postgresql_where=text(TOP_LEVEL_COMMENT),
        sqlite_where=text(TOP_LEVEL_COMMENT),
    ),
    # At most one pinned comment per video, found by its video.
    Index(
        "ix_comments_pinned_video_id",
        "video_id",
        unique=True,
        postgresql_where=text(PINNED_COMMENT),
        sqlite_where=text(PINNED_COMMENT),
    ),
    # Every comment of a video, replies included: what deleting a video cascades through.
    Index(None, "video_id"),
    # A comment's replies, oldest first (keyset on created_at, id).
    Index(None, "parent_id", "created_at", "id"),
    Index(None, "author_id"),
)

comment_likes = Table(
    "comment_likes",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "comment_id",
        Uuid,
        ForeignKey("comments.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
)

# Who blocks whom. The visibility rule looks both ways: the primary key finds whom a viewer
# blocks, the index on (blocked_id, blocker_id) who blocks the viewer; the list of a user's blocks
# reads (blocker_id, created_at, blocked_id) backwards.
blocks = Table(
    "blocks",
    metadata,
    Column("blocker_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("blocked_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("blocker_id <> blocked_id", name="not_self"),
    Index(None, "blocked_id", "blocker_id"),
    Index(None, "blocker_id", "created_at", "blocked_id"),
)

# Reports of videos, comments and accounts (no foreign key on the target: it may be any of the
# three, and a report outlives a deleted target in the moderators' view until it is resolved).
OPEN_REPORT = "status = 'open'"

reports = Table(
    "reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("reporter_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("target_type", String(8), nullable=False),
    Column("target_id", Uuid, nullable=False),
    Column("reason", String(20), nullable=False),
    Column("details", String(1000), nullable=True),
    Column("status", String(8), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
    # One open report per reporter and target (a repeated report answers the open one).
    Index(
        "ix_reports_open_by_reporter",
        "reporter_id",
        "target_type",
        "target_id",
        unique=True,
        postgresql_where=text(OPEN_REPORT),
        sqlite_where=text(OPEN_REPORT),
    ),
    # The reporter's reports of the last hour (the rate limit).
    Index(None, "reporter_id", "created_at"),
    # A target's reports by status (distinct open reporters, resolving, the reasons of a case).
    Index(None, "target_type", "target_id", "status"),
)

# One case per reported target: the moderators' queue (counts kept with each report).
moderation_cases = Table(
    "moderation_cases",
    metadata,
    Column("target_type", String(8), primary_key=True),
    Column("target_id", Uuid, primary_key=True),
    Column("status", String(8), nullable=False),
    Column("report_count", Integer, nullable=False),
    Column("first_reported_at", UtcDateTime, nullable=False),
    Column("last_reported_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
    # Open cases, most reported first, then most recently reported (keyset on the three).
    Index(
        "ix_moderation_cases_open_queue", "status", "report_count", "last_reported_at", "target_id"
    ),
    # Resolved cases, most recently resolved first.
    Index("ix_moderation_cases_resolved", "status", "resolved_at", "target_id"),
)

# Every moderation action; append-only (triggers refuse UPDATE and DELETE). No foreign keys: an
# entry outlives its actor's and its target's deletion.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("actor_id", Uuid, nullable=False),
    Column("action", String(16), nullable=False),
    Column("target_type", String(8), nullable=False),
    Column("target_id", Uuid, nullable=False),
    Column("reason", String(500), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "created_at", "id"),
)

# --- discovery: watch signals, counted views by hour, trending hashtags ------------------------------

# The latest watch of a video by a signed-in viewer (one row per viewer and video).
watches = Table(
    "watches",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "video_id",
        Uuid,
        ForeignKey("videos.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("watched_at", UtcDateTime, nullable=False, index=True),  # the retention sweep
    Column("watched_ms", Integer, nullable=True),
    Column("completed", Boolean, nullable=True),
)

# Videos a viewer marked "not interested": never again in their For You.
not_interested = Table(
    "not_interested",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "video_id",
        Uuid,
        ForeignKey("videos.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
)

# Counted views of each video per hour: what trending sums over the last 24 hours.
video_view_hours = Table(
    "video_view_hours",
    metadata,
    Column("video_id", Uuid, ForeignKey("videos.id", ondelete="CASCADE"), primary_key=True),
    Column("hour", UtcDateTime, primary_key=True),
    Column("views", BigInteger, nullable=False),
    Index(None, "hour"),  # the trending window and the retention sweep
)

# The trending hashtags as last refreshed (a periodic job rewrites the whole table).
trending_hashtags = Table(
    "trending_hashtags",
    metadata,
    Column("position", SmallInteger, primary_key=True),
    Column("hashtag", String(100), nullable=False),
    Column("video_count", BigInteger, nullable=False),
    Column("recent_views", BigInteger, nullable=False),
)

# --- maintenance ------------------------------------------------------------------------------------

# Byte-order collation on PostgreSQL, so that `due` breaks ties in Python's string order.
_storage_key_type = String(300).with_variant(String(300, collation="C"), "postgresql")

storage_deletions = Table(
    "storage_deletions",
    metadata,
    Column("key", _storage_key_type, primary_key=True),
    Column("upload_id", String(1024), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("not_before", UtcDateTime, nullable=False, index=True),
)

# --- idempotency keys -------------------------------------------------------------------------------

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(100), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    # Both set once the first request finished; NULL while it runs.
    Column("status_code", Integer, nullable=True),
    Column("body", LargeBinary, nullable=True),
)

# --- background jobs of the in-process queue (SQLite; PostgreSQL uses procrastinate's tables) -----

_job_id_type = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: the rowid, autoincremented

job_queue = Table(
    "job_queue",
    metadata,
    Column("id", _job_id_type, primary_key=True, autoincrement=True),
    Column("queue", String(32), nullable=False),
    Column("task", String(100), nullable=False),
    Column("payload", Text, nullable=False),  # a JSON object
    # `<task>:<dedupe key>`: one waiting job per key; jobs sharing it never run at the same time.
    Column("dedupe_key", String(400), nullable=True),
    Column("priority", Integer, nullable=False, server_default=text("0")),
    # todo (waiting or scheduled), doing (running), failed (after its last attempt); a job that
    # succeeded is deleted.
    Column("status", String(8), nullable=False, server_default=text("'todo'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),  # runs started
    Column("run_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("runner", String(64), nullable=True),
    Column("heartbeat_at", UtcDateTime, nullable=True),
    Column("error", Text, nullable=True),
    CheckConstraint("status IN ('todo', 'doing', 'failed')", name="status"),
    # Partial unique index (Alembic does not compare predicates: keep it equal to the revision).
    Index(
        "ix_job_queue_waiting_dedupe_key",
        "dedupe_key",
        unique=True,
        sqlite_where=text("status = 'todo'"),
        postgresql_where=text("status = 'todo'"),
    ),
    Index(None, "status", "run_at"),
)

job_schedule = Table(
    "job_schedule",
    metadata,
    Column("task", String(100), primary_key=True),  # a periodic task
    Column("next_run_at", UtcDateTime, nullable=False),
)
