import pytest

from entrypoints.config import Settings, SettingsError

GOOD_SECRET = "p" * 32


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
    env = {"CLIPSTREAM_ENV": "production", "CLIPSTREAM_JWT_SECRET": GOOD_SECRET}
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
