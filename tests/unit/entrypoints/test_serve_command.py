"""`clipstream serve` refuses settings that would not do what they say."""

from __future__ import annotations

import pytest

from entrypoints.cli import main


class _NeverServe:
    def __init__(self, *_: object, **__: object) -> None:
        raise AssertionError("the server was started")


def test_several_workers_without_redis_are_refused_in_one_clear_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("CLIPSTREAM_REDIS_URL", "CLIPSTREAM_DATABASE_URL", "CLIPSTREAM_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("granian.Granian", _NeverServe)
    monkeypatch.setattr("entrypoints.cli.serve.migrate_database", lambda _settings: None)
    with pytest.raises(SystemExit) as refused:
        main(["serve", "--workers", "3", "--port", "1"])
    message = str(refused.value.code)
    assert "\n" not in message
    assert "--workers 3" in message
    assert "CLIPSTREAM_REDIS_URL" in message
