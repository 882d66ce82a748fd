"""Every background task and periodic task, with its queue, retry policy and period.

Use cases enqueue these specs through `uow.tasks`; the composition root binds each to the use case
that runs its jobs (see `TaskBinding`), and refuses to start if one is unbound.
"""

from __future__ import annotations

from datetime import timedelta

from application.ports.task_queue import (
    DEFAULT_QUEUE,
    MEDIA_QUEUE,
    PeriodicTask,
    RetryPolicy,
    TaskSpec,
)

# Maintenance: idempotent sweeps that fire once per period. A failed sweep is retried quickly
# once or twice; the next period sweeps again anyway.
_SWEEP_RETRY = RetryPolicy(
    max_attempts=3, backoff=timedelta(seconds=5), max_backoff=timedelta(seconds=30)
)

EXPIRE_UPLOADS = TaskSpec(
    name="maintenance.expire_uploads", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""Videos still `uploading` past their deadline become `failed`; their bytes are removed."""

RETRY_STORAGE_DELETIONS = TaskSpec(
    name="maintenance.retry_storage_deletions", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""Stored objects whose deletion failed earlier are deleted again (with their own back-off)."""

FORGET_IDEMPOTENCY_KEYS = TaskSpec(
    name="maintenance.forget_idempotency_keys", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""Idempotency keys older than 24 h are forgotten."""

FORGET_ENDED_SESSIONS = TaskSpec(
    name="maintenance.forget_ended_sessions", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""Sessions that ended and refresh tokens that expired more than a week ago are forgotten."""

# Discovery: the ranking tables, refreshed at least once a minute, and the retention of watches.
REFRESH_TRENDING = TaskSpec(
    name="discovery.refresh_trending", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""The trending hashtags table is rewritten from the last 24 hours of counted views."""

FORGET_OLD_WATCHES = TaskSpec(
    name="discovery.forget_old_watches", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""Watches older than 30 days and view counts of hours older than 48 hours are forgotten."""

RANKING_PERIOD = timedelta(minutes=1)
"""Ranking tables refresh at least this often, whatever the maintenance period."""

# Media: CPU-heavy, on the `media` queue. An attempt that crashes, hangs past the processing time
# limit or runs out of memory is retried twice, a little later each time; then the video fails.
_MEDIA_RETRY = RetryPolicy(
    max_attempts=3, backoff=timedelta(seconds=30), max_backoff=timedelta(minutes=5)
)

PROCESS_VIDEO = TaskSpec(name="videos.process", queue=MEDIA_QUEUE, retry=_MEDIA_RETRY)
"""`{video_id}`: a completed upload becomes `ready` (poster, renditions, HLS, MP4) or `failed`;
after the last failed attempt it is `failed` ("processing failed"). One job per video at a time."""

RENEW_POSTER = TaskSpec(name="videos.renew_poster", queue=MEDIA_QUEUE, retry=_MEDIA_RETRY)
"""`{video_id}`: a new poster at the moment the owner picked (`posterAtSeconds`)."""

# Email: the mail server may be away for a while (a restart, a network cut): retried with back-off
# for about half an hour (5 s, 10 s, 20 s... at most 10 min apart, 8 attempts); then given up,
# logged and counted (`clipstream_emails_failed_total`).
_EMAIL_RETRY = RetryPolicy(
    max_attempts=8, backoff=timedelta(seconds=5), max_backoff=timedelta(minutes=10)
)

SEND_EMAIL = TaskSpec(name="email.send", queue=DEFAULT_QUEUE, retry=_EMAIL_RETRY)
"""`{kind, to, username, token?, new_email?}`: render an account email and hand it to the mail
system."""

PREPARE_PASSWORD_RESET = TaskSpec(
    name="auth.prepare_password_reset", queue=DEFAULT_QUEUE, retry=_SWEEP_RETRY
)
"""`{email}`: a reset token and its email for the account with this address, if there is one (the
request answers before anything is looked up, so its timing tells nothing)."""

TASKS: tuple[TaskSpec, ...] = (
    EXPIRE_UPLOADS,
    RETRY_STORAGE_DELETIONS,
    FORGET_IDEMPOTENCY_KEYS,
    FORGET_ENDED_SESSIONS,
    REFRESH_TRENDING,
    FORGET_OLD_WATCHES,
    PROCESS_VIDEO,
    RENEW_POSTER,
    SEND_EMAIL,
    PREPARE_PASSWORD_RESET,
)
"""Every task of the application."""

DEFAULT_MAINTENANCE_PERIOD = timedelta(minutes=1)


def periodic_tasks(
    maintenance_every: timedelta = DEFAULT_MAINTENANCE_PERIOD,
) -> tuple[PeriodicTask, ...]:
    """Every periodic task; maintenance sweeps fire once per `maintenance_every`, ranking tables
    at least once a minute."""
    return (
        PeriodicTask(task=EXPIRE_UPLOADS, every=maintenance_every),
        PeriodicTask(task=RETRY_STORAGE_DELETIONS, every=maintenance_every),
        PeriodicTask(task=FORGET_IDEMPOTENCY_KEYS, every=maintenance_every),
        PeriodicTask(task=FORGET_ENDED_SESSIONS, every=maintenance_every),
        PeriodicTask(task=REFRESH_TRENDING, every=min(maintenance_every, RANKING_PERIOD)),
        PeriodicTask(task=FORGET_OLD_WATCHES, every=maintenance_every),
    )
