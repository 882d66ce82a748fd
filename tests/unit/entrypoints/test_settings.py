import pytest

from entrypoints.config import Settings, SettingsError
from entrypoints.email_settings import SmtpUrl, parse_smtp_url

GOOD_SECRET = "kQ3v_Zp8LwX2mN7rT4yB9cF1hJ6sD0gA5uE8iO3"  # random-looking, 39 characters
PRODUCTION = {"CLIPSTREAM_ENV": "production", "CLIPSTREAM_JWT_SECRET": GOOD_SECRET}


def test_defaults_are_the_embedded_development_setup() -> None:
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert settings.is_sqlite
    assert settings.rate_limit_per_minute == 600
    assert settings.bcrypt_rounds == 12
    assert len(settings.jwt_secret) >= 32


def test_production_refuses_to_start_without_a_jwt_secret() -> None:
    with pytest.raises(SettingsError, match="CLIPSTREAM_JWT_SECRET is required"):
        Settings.from_env({"CLIPSTREAM_ENV": "production"})


def test_production_refuses_a_bcrypt_cost_below_10() -> None:
    env = PRODUCTION
    with pytest.raises(SettingsError, match="at least 10 in production"):
        Settings.from_env({**env, "CLIPSTREAM_BCRYPT_ROUNDS": "9"})
    assert Settings.from_env({**env, "CLIPSTREAM_BCRYPT_ROUNDS": "10"}).bcrypt_rounds == 10


def test_every_bad_value_is_named_in_one_message() -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env(
            {
                "CLIPSTREAM_ENV": "staging",
                "CLIPSTREAM_DATABASE_URL": "mysql://x",
                "CLIPSTREAM_JWT_SECRET": "short",
                "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "lots",
                "CLIPSTREAM_STORAGE_URL": "ftp://x",
            }
        )
    message = str(error.value)
    for name in ["ENV", "DATABASE_URL", "JWT_SECRET", "RATE_LIMIT_PER_MINUTE", "STORAGE_URL"]:
        assert f"CLIPSTREAM_{name}=" in message
    assert "'lots'" in message  # bad values are shown, except secrets
    assert "short" not in message
    assert GOOD_SECRET not in repr(Settings.from_env({"CLIPSTREAM_JWT_SECRET": GOOD_SECRET}))


def test_previous_secrets_are_parsed_for_rotation() -> None:
    settings = Settings.from_env({"CLIPSTREAM_JWT_PREVIOUS_SECRETS": f"{'a' * 32}, {'b' * 32}"})
    assert settings.jwt_previous_secrets == (b"a" * 32, b"b" * 32)


def test_job_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "CLIPSTREAM_WORKER_INTERVAL_SECONDS": "300",
            "CLIPSTREAM_WORKER_CONCURRENCY": "4",
            "CLIPSTREAM_JOB_STALLED_TIMEOUT_SECONDS": "30",
            "CLIPSTREAM_WORKER_SHUTDOWN_TIMEOUT_SECONDS": "0",
            "CLIPSTREAM_TASK_MODULES": "plugins.jobs, more_jobs",
        }
    )
    assert settings.worker_interval_seconds == 300
    assert settings.worker_concurrency == 4
    assert settings.job_stalled_timeout_seconds == 30
    assert settings.worker_shutdown_timeout_seconds == 0
    assert settings.task_modules == ("plugins.jobs", "more_jobs")
    with pytest.raises(SettingsError) as error:
        Settings.from_env(
            {
                "CLIPSTREAM_WORKER_INTERVAL_SECONDS": "7",  # divides neither a minute nor an hour
                "CLIPSTREAM_WORKER_CONCURRENCY": "0",
                "CLIPSTREAM_JOB_STALLED_TIMEOUT_SECONDS": "1",
                "CLIPSTREAM_TASK_MODULES": "not a module",
            }
        )
    for name in (
        "WORKER_INTERVAL_SECONDS",
        "WORKER_CONCURRENCY",
        "JOB_STALLED_TIMEOUT_SECONDS",
        "TASK_MODULES",
    ):
        assert f"CLIPSTREAM_{name}" in str(error.value)


@pytest.mark.parametrize(
    "secret",
    [
        "change-me-to-a-long-random-secret-of-32-bytes-or-more",  # the old compose fallback
        "p" * 32,
        "ab" * 20,
        "0123456789012345678901234567890123456789",
        "my-jwt-secret-for-production-use-please",
        "password-password-password-password",
    ],
)
def test_production_refuses_well_known_or_low_entropy_secrets(secret: str) -> None:
    with pytest.raises(SettingsError, match="CLIPSTREAM_JWT_SECRET") as error:
        Settings.from_env({**PRODUCTION, "CLIPSTREAM_JWT_SECRET": secret})
    assert secret not in str(error.value)
    with pytest.raises(SettingsError, match="CLIPSTREAM_JWT_PREVIOUS_SECRETS"):
        Settings.from_env({**PRODUCTION, "CLIPSTREAM_JWT_PREVIOUS_SECRETS": secret})
    assert Settings.from_env({"CLIPSTREAM_JWT_SECRET": secret}).env == "development"


def test_production_accepts_generated_secrets() -> None:
    import secrets

    for secret in (secrets.token_urlsafe(32), secrets.token_hex(32), secrets.token_urlsafe(64)):
        env = {**PRODUCTION, "CLIPSTREAM_JWT_SECRET": secret}
        assert Settings.from_env(env).jwt_secret == secret.encode()


def test_production_refuses_any_origin_and_no_rate_limit_unless_confirmed() -> None:
    with pytest.raises(SettingsError, match="CLIPSTREAM_CORS_ORIGINS"):
        Settings.from_env({**PRODUCTION, "CLIPSTREAM_CORS_ORIGINS": "*"})
    with pytest.raises(SettingsError, match="CLIPSTREAM_RATE_LIMIT_PER_MINUTE"):
        Settings.from_env({**PRODUCTION, "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0"})
    confirmed = Settings.from_env(
        {
            **PRODUCTION,
            "CLIPSTREAM_CORS_ORIGINS": "*",
            "CLIPSTREAM_CORS_ANY_ORIGIN_CONFIRMED": "true",
            "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0",
            "CLIPSTREAM_RATE_LIMIT_OFF_CONFIRMED": "true",
        }
    )
    assert confirmed.cors_origins == ("*",)
    assert confirmed.rate_limit_per_minute == 0
    explicit = {**PRODUCTION, "CLIPSTREAM_CORS_ORIGINS": "https://app.example.com"}
    assert Settings.from_env(explicit).cors_origins == ("https://app.example.com",)
    development = {"CLIPSTREAM_CORS_ORIGINS": "*", "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0"}
    assert Settings.from_env(development).rate_limit_per_minute == 0


def test_metrics_access_is_configured_by_addresses_and_a_token() -> None:
    assert Settings.from_env({}).metrics_allow == ("127.0.0.0/8", "::1/128")
    assert Settings.from_env({}).metrics_token is None
    settings = Settings.from_env(
        {
            "CLIPSTREAM_METRICS_ALLOW": "10.0.0.0/8, 192.168.1.7, fd00::/8",
            "CLIPSTREAM_METRICS_TOKEN": GOOD_SECRET,
        }
    )
    assert settings.metrics_allow == ("10.0.0.0/8", "192.168.1.7/32", "fd00::/8")
    assert settings.metrics_token == GOOD_SECRET.encode()
    assert GOOD_SECRET not in repr(settings)
    assert Settings.from_env({"CLIPSTREAM_METRICS_ALLOW": "none"}).metrics_allow == ()
    with pytest.raises(SettingsError, match="CLIPSTREAM_METRICS_ALLOW"):
        Settings.from_env({"CLIPSTREAM_METRICS_ALLOW": "everyone"})
    with pytest.raises(SettingsError, match="CLIPSTREAM_METRICS_TOKEN=<hidden>"):
        Settings.from_env({"CLIPSTREAM_METRICS_TOKEN": "short"})


def test_media_settings_have_sane_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.max_duration_seconds == 600
    assert settings.rendition_heights == (360, 720)
    assert settings.processing_timeout_seconds == 900
    assert settings.keep_originals is False
    assert settings.media_url_ttl_seconds == 3600
    assert (settings.x264_preset, settings.x264_crf) == ("veryfast", 23)


def test_media_settings_are_read_and_validated() -> None:
    settings = Settings.from_env(
        {
            "CLIPSTREAM_RENDITION_HEIGHTS": "720, 240,1080,240",
            "CLIPSTREAM_MAX_DURATION_SECONDS": "90",
            "CLIPSTREAM_KEEP_ORIGINALS": "true",
            "CLIPSTREAM_X264_PRESET": "medium",
            "CLIPSTREAM_X264_CRF": "20",
            "CLIPSTREAM_PROCESSING_MEMORY_MB": "4096",
        }
    )
    assert settings.rendition_heights == (240, 720, 1080)
    assert settings.max_duration_seconds == 90
    assert settings.keep_originals is True
    assert (settings.x264_preset, settings.x264_crf) == ("medium", 20)
    assert settings.processing_memory_mb == 4096
    with pytest.raises(SettingsError) as error:
        Settings.from_env(
            {
                "CLIPSTREAM_RENDITION_HEIGHTS": "360,huge",
                "CLIPSTREAM_X264_PRESET": "fastest",
                "CLIPSTREAM_X264_CRF": "52",
                "CLIPSTREAM_MEDIA_URL_TTL_SECONDS": "10",
                "CLIPSTREAM_PROCESSING_TIMEOUT_SECONDS": "0",
                "CLIPSTREAM_MAX_DURATION_SECONDS": "-1",
            }
        )
    message = str(error.value)
    for name in [
        "RENDITION_HEIGHTS",
        "X264_PRESET",
        "X264_CRF",
        "MEDIA_URL_TTL_SECONDS",
        "PROCESSING_TIMEOUT_SECONDS",
        "MAX_DURATION_SECONDS",
    ]:
        assert f"CLIPSTREAM_{name}=" in message
    assert "'huge' is not a whole number" in message
    with pytest.raises(SettingsError, match="between 16 and 4096"):
        Settings.from_env({"CLIPSTREAM_RENDITION_HEIGHTS": "8000"})


def test_email_settings_default_to_the_outbox_and_the_server_s_own_pages() -> None:
    settings = Settings.from_env({"CLIPSTREAM_PUBLIC_URL": "https://clips.example/"})
    assert settings.smtp_url is None
    assert settings.mail_from == "Clipstream <no-reply@localhost>"
    assert settings.email_web_url == "https://clips.example/account"
    assert settings.require_verified_email is False
    assert settings.outbox_dir == "./var/outbox"


def test_email_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            "CLIPSTREAM_SMTP_URL": "smtps://mailer:p%40ss@smtp.example.com",
            "CLIPSTREAM_MAIL_FROM": "Clips <hello@clips.example>",
            "CLIPSTREAM_WEB_URL": "https://app.clips.example/account/",
            "CLIPSTREAM_REQUIRE_VERIFIED_EMAIL": "true",
        }
    )
    assert settings.email_web_url == "https://app.clips.example/account"
    assert settings.mail_from == "Clips <hello@clips.example>"
    assert settings.require_verified_email is True
    assert "p%40ss" not in repr(settings)  # the SMTP password never reaches a log line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("smtp://127.0.0.1:2525", SmtpUrl("127.0.0.1", 2525, implicit_tls=False)),
        ("smtp://mail.example.com", SmtpUrl("mail.example.com", 587, implicit_tls=False)),
        ("smtps://u:p%2Fw@mail.example.com", SmtpUrl("mail.example.com", 465, True, "u", "p/w")),
    ],
)
def test_smtp_urls_give_host_port_tls_and_credentials(raw: str, expected: SmtpUrl) -> None:
    assert parse_smtp_url(raw) == expected
    assert parse_smtp_url(raw).password == expected.password


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("SMTP_URL", "http://mail.example.com", "smtp://"),
        ("SMTP_URL", "smtp://", "names no host"),
        ("SMTP_URL", "smtp://mail.example.com:99999", "smtp://"),
        ("SMTP_URL", "smtp://mail.example.com/path", "takes no path"),
        ("SMTP_URL", "smtp://user@mail.example.com", "both a user and a password"),
        ("MAIL_FROM", "not an address", "an address like"),
        ("MAIL_FROM", "a@b.example\r\nBcc: x@y.example", "one line"),
        ("WEB_URL", "ftp://app.example", "http(s) URL"),
        ("REQUIRE_VERIFIED_EMAIL", "perhaps", "true or false"),
        ("EMAIL_TEMPLATES_DIR", "/nonexistent/templates", "not a directory"),
    ],
)
def test_bad_email_settings_are_refused_by_name(name: str, value: str, reason: str) -> None:
    with pytest.raises(SettingsError, match=f"CLIPSTREAM_{name}") as error:
        Settings.from_env({f"CLIPSTREAM_{name}": value})
    assert reason in str(error.value)


def test_a_bad_smtp_url_is_refused_without_echoing_its_password() -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"CLIPSTREAM_SMTP_URL": "smtp://user:hunter2@:bad"})
    assert "hunter2" not in str(error.value)


def test_production_without_a_mail_server_is_said_loudly(caplog: pytest.LogCaptureFixture) -> None:
    from entrypoints.cli._common import warn_without_mail_server

    with caplog.at_level("WARNING", logger="clipstream"):
        warn_without_mail_server(Settings.from_env({}))
        assert caplog.text == ""  # development: the outbox is the point
        warn_without_mail_server(
            Settings.from_env({**PRODUCTION, "CLIPSTREAM_SMTP_URL": "smtp://m"})
        )
        assert caplog.text == ""
        warn_without_mail_server(Settings.from_env(PRODUCTION))
    assert "CLIPSTREAM_SMTP_URL is not set" in caplog.text
