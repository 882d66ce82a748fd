"""Settings, read from the environment and validated before anything starts."""

from __future__ import annotations

import ipaddress
import math
import os
import re
import secrets
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from application.ports.task_queue import period_cron
from entrypoints.logs import LOG_FORMATS, LogFormat, default_log_format

T = TypeVar("T")

GIB = 1024**3
MIB = 1024**2
MIN_SECRET_BYTES = 32
MIN_PRODUCTION_BCRYPT_ROUNDS = 10
MIN_SECRET_ENTROPY_BITS = 128
# Words of placeholders and examples: a secret that contains one was typed, not generated. (Five
# letters or more: a generated secret holds one by chance about once in 100,000.)
_PLACEHOLDER_WORDS = (
    "change", "secret", "example", "default", "password", "passwd", "replace", "placeholder",
    "dummy", "sample", "clipstream", "fixme", "insecure",
)  # fmt: skip
LOOPBACK = ("127.0.0.0/8", "::1/128")


X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)


class SettingsError(ValueError):
    """One or more settings are invalid; the message names every bad variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of the service (see the README for what each does)."""

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./var/clipstream.db"
    storage_url: str = "./var/media"
    s3_endpoint_url: str | None = None
    s3_public_endpoint_url: str | None = None
    redis_url: str | None = None
    jwt_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    jwt_previous_secrets: tuple[bytes, ...] = field(default=(), repr=False)
    public_url: str | None = None
    max_upload_bytes: int = 2 * GIB
    multipart_threshold_bytes: int = 64 * MIB
    bcrypt_rounds: int = 12
    rate_limit_per_minute: int = 600
    upload_ttl_seconds: int = 24 * 3600
    upload_idle_timeout_seconds: float = 30
    worker_interval_seconds: int = 60  # the period of the maintenance tasks
    in_process_worker: bool = False
    worker_concurrency: int = 1
    job_stalled_timeout_seconds: int = 60
    worker_shutdown_timeout_seconds: int = 30
    task_modules: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    metrics_allow: tuple[str, ...] = LOOPBACK
    metrics_token: bytes | None = field(default=None, repr=False)
    log_format: LogFormat = "json"

    # Media processing and playback.
    max_duration_seconds: int = 600
    rendition_heights: tuple[int, ...] = (360, 720)
    processing_timeout_seconds: int = 900
    processing_memory_mb: int = 2048
    keep_originals: bool = False
    media_url_ttl_seconds: int = 3600
    x264_preset: str = "veryfast"
    x264_crf: int = 23

    # Safety: distinct reporters whose open reports hide a video or comment (0: never).
    report_hide_threshold: int = 5

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def api_base_url(self) -> str:
        """Where clients reach this API (signed upload URLs point here)."""
        return self.public_url or "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `CLIPSTREAM_*` variables; raise `SettingsError` listing every invalid one."""
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def read(name: str, parse: Callable[[str], T], default: T) -> T:
            raw = env.get(f"CLIPSTREAM_{name}")
            if raw is None or raw.strip() == "":
                return default
            try:
                return parse(raw.strip())
            except ValueError as error:
                shown = (
                    "<hidden>" if "SECRET" in name or "TOKEN" in name else repr(raw)
                )  # never echo one
                problems.append(f"CLIPSTREAM_{name}={shown}: {error}")
                return default

        defaults = cls(jwt_secret=b"")
        mode = read("ENV", _choice("development", "production"), "development")
        secret = read("JWT_SECRET", _secret, b"")
        rounds = read("BCRYPT_ROUNDS", _int_between(4, 31), defaults.bcrypt_rounds)
        settings = cls(
            env=mode,  # type: ignore[arg-type]
            database_url=read("DATABASE_URL", _database_url, defaults.database_url),
            storage_url=read("STORAGE_URL", _storage_url, defaults.storage_url),
            s3_endpoint_url=read("S3_ENDPOINT_URL", _http_url, None),
            s3_public_endpoint_url=read("S3_PUBLIC_ENDPOINT_URL", _http_url, None),
            redis_url=read("REDIS_URL", _redis_url, None),
            jwt_secret=secret or secrets.token_bytes(32),
            jwt_previous_secrets=read("JWT_PREVIOUS_SECRETS", _secret_list, ()),
            public_url=read("PUBLIC_URL", _http_url, None),
            max_upload_bytes=read(
                "MAX_UPLOAD_BYTES", _int_between(1, 5 * 1024 * GIB), defaults.max_upload_bytes
            ),
            multipart_threshold_bytes=read(
                "MULTIPART_THRESHOLD_BYTES",
                _int_between(5 * MIB, 5 * GIB),
                defaults.multipart_threshold_bytes,
            ),
            bcrypt_rounds=rounds,
            rate_limit_per_minute=read("RATE_LIMIT_PER_MINUTE", _int_between(0, 1_000_000), 600),
            upload_ttl_seconds=read(
                "UPLOAD_TTL_SECONDS", _int_between(1, 30 * 24 * 3600), 24 * 3600
            ),
            upload_idle_timeout_seconds=read(
                "UPLOAD_IDLE_TIMEOUT_SECONDS", _int_between(1, 3600), 30
            ),
            worker_interval_seconds=read("WORKER_INTERVAL_SECONDS", _period, 60),
            in_process_worker=read("IN_PROCESS_WORKER", _bool, False),
            worker_concurrency=read("WORKER_CONCURRENCY", _int_between(1, 64), 1),
            job_stalled_timeout_seconds=read(
                "JOB_STALLED_TIMEOUT_SECONDS", _int_between(2, 3600), 60
            ),
            worker_shutdown_timeout_seconds=read(
                "WORKER_SHUTDOWN_TIMEOUT_SECONDS", _int_between(0, 24 * 3600), 30
            ),
            task_modules=read("TASK_MODULES", _module_list, ()),
            cors_origins=read("CORS_ORIGINS", _origins, ()),
            metrics_allow=read("METRICS_ALLOW", _networks, LOOPBACK),
            metrics_token=read("METRICS_TOKEN", _secret, None),
            report_hide_threshold=read(
                "REPORT_HIDE_THRESHOLD", _int_between(0, 1_000_000), defaults.report_hide_threshold
            ),
            max_duration_seconds=read(
                "MAX_DURATION_SECONDS", _int_between(1, 24 * 3600), defaults.max_duration_seconds
            ),
            rendition_heights=read("RENDITION_HEIGHTS", _heights, defaults.rendition_heights),
            processing_timeout_seconds=read(
                "PROCESSING_TIMEOUT_SECONDS",
                _int_between(10, 24 * 3600),
                defaults.processing_timeout_seconds,
            ),
            processing_memory_mb=read(
                "PROCESSING_MEMORY_MB",
                _int_between(256, 1024 * 1024),
                defaults.processing_memory_mb,
            ),
            keep_originals=read("KEEP_ORIGINALS", _bool, False),
            media_url_ttl_seconds=read(
                "MEDIA_URL_TTL_SECONDS",
                _int_between(60, 7 * 24 * 3600),
                defaults.media_url_ttl_seconds,
            ),
            x264_preset=read("X264_PRESET", _choice(*X264_PRESETS), defaults.x264_preset),
            x264_crf=read("X264_CRF", _int_between(0, 51), defaults.x264_crf),
            log_format=read("LOG_FORMAT", _log_format, default_log_format(mode)),
        )
        if mode == "production":
            if not secret:
                problems.append(
                    "CLIPSTREAM_JWT_SECRET is required in production (at least 32 bytes)"
                )
            named_secrets = [
                ("JWT_SECRET", [secret] if secret else []),
                ("JWT_PREVIOUS_SECRETS", list(settings.jwt_previous_secrets)),
                ("METRICS_TOKEN", [settings.metrics_token] if settings.metrics_token else []),
            ]
            for name, values in named_secrets:
                for value in values:
                    if reason := weak_secret(value):
                        problems.append(
                            f"CLIPSTREAM_{name}=<hidden>: {reason}; generate one, e.g. "
                            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
                        )
            if "*" in settings.cors_origins and not read("CORS_ANY_ORIGIN_CONFIRMED", _bool, False):
                problems.append(
                    "CLIPSTREAM_CORS_ORIGINS=*: any website could call the API from a browser; "
                    "name the origins, or set CLIPSTREAM_CORS_ANY_ORIGIN_CONFIRMED=true"
                )
            if settings.rate_limit_per_minute == 0 and not read(
                "RATE_LIMIT_OFF_CONFIRMED", _bool, False
            ):
                problems.append(
                    "CLIPSTREAM_RATE_LIMIT_PER_MINUTE=0 turns the rate limit off; set "
                    "CLIPSTREAM_RATE_LIMIT_OFF_CONFIRMED=true if something in front limits instead"
                )
            if rounds < MIN_PRODUCTION_BCRYPT_ROUNDS:
                problems.append(
                    f"CLIPSTREAM_BCRYPT_ROUNDS={rounds}: must be at least "
                    f"{MIN_PRODUCTION_BCRYPT_ROUNDS} in production"
                )
        if problems:
            raise SettingsError("Invalid settings:\n  " + "\n  ".join(problems))
        return settings


def weak_secret(value: bytes) -> str | None:
    """Why a secret looks typed or guessable rather than generated (None when it does not).

    A placeholder word, fewer than `MIN_SECRET_ENTROPY_BITS` by the frequencies of its characters,
    or mostly a repetition (few distinct 4-character runs) gives it away.
    """
    text = value.decode("utf-8", "replace").lower()
    if any(word in text for word in _PLACEHOLDER_WORDS):
        return "it contains a placeholder word"
    counts = Counter(value)
    bits = -sum(n * math.log2(n / len(value)) for n in counts.values())
    if bits < MIN_SECRET_ENTROPY_BITS:
        return (
            f"it has too little entropy (about {int(bits)} bits, {MIN_SECRET_ENTROPY_BITS} needed)"
        )
    runs = [value[i : i + 4] for i in range(len(value) - 3)]
    if len(set(runs)) < 0.8 * len(runs):
        return "it is mostly a repetition"
    return None


def _log_format(raw: str) -> LogFormat:
    for option in LOG_FORMATS:
        if raw == option:
            return option
    raise ValueError(f"must be one of {', '.join(LOG_FORMATS)}")


def _choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return raw

    return parse


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _period(raw: str) -> int:
    seconds = _int_between(1, 24 * 3600)(raw)
    if period_cron(timedelta(seconds=seconds)) is None:
        raise ValueError(
            "must divide a minute, an hour or a day (e.g. 10, 30, 60, 300, 3600) so that "
            "periodic work fires on the same clock in every worker"
        )
    return seconds


def _module_list(raw: str) -> tuple[str, ...]:
    modules = tuple(part.strip() for part in raw.split(",") if part.strip())
    for module in modules:
        if not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*", module):
            raise ValueError(f"{module!r} is not a dotted module name")
    return modules


def _heights(raw: str) -> tuple[int, ...]:
    """Comma-separated short sides in pixels (16..4096), at most 8 different ones."""
    heights: set[int] = set()
    for part in raw.split(","):
        if not part.strip():
            continue
        try:
            value = int(part)
        except ValueError:
            raise ValueError(f"{part.strip()!r} is not a whole number of pixels") from None
        if not 16 <= value <= 4096:
            raise ValueError(f"{value} is not between 16 and 4096 pixels")
        heights.add(value)
    if not 1 <= len(heights) <= 8:
        raise ValueError("name 1 to 8 sizes, e.g. 360,720")
    return tuple(sorted(heights))


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"{origin!r} is not an origin like https://app.example.com (or *)")
    return origins


def _bool(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _secret(raw: str) -> bytes:
    value = raw.encode()
    if len(value) < MIN_SECRET_BYTES:
        raise ValueError(f"must be at least {MIN_SECRET_BYTES} bytes long")
    return value


def _networks(raw: str) -> tuple[str, ...]:
    if raw.lower() == "none":
        return ()
    networks = []
    for part in (part.strip() for part in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise ValueError(f"{part!r} is not an address or network like 10.0.0.0/8") from None
    return tuple(networks)


def _secret_list(raw: str) -> tuple[bytes, ...]:
    return tuple(_secret(part.strip()) for part in raw.split(",") if part.strip())


def _database_url(raw: str) -> str:
    scheme = raw.split("://", 1)[0]
    if scheme not in ("postgresql+psycopg", "sqlite+aiosqlite"):
        raise ValueError("must start with postgresql+psycopg:// or sqlite+aiosqlite://")
    return raw


def _storage_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError("s3:// URLs need a bucket: s3://bucket[/prefix]")
        return raw
    if parts.scheme == "file":
        return raw
    if parts.scheme == "":
        return raw
    raise ValueError("must be file:///path, s3://bucket[/prefix] or a directory path")


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return raw.rstrip("/")


def _redis_url(raw: str) -> str:
    if urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("must be a redis://, rediss:// or unix:// URL")
    return raw
