"""docker-compose.yml ships no secret and publishes the object store to this machine only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).resolve().parents[3] / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_the_jwt_secret_has_no_fallback_compose_refuses_to_start_without_it() -> None:
    text = COMPOSE.read_text()
    assert re.search(r"CLIPSTREAM_JWT_SECRET: \$\{CLIPSTREAM_JWT_SECRET:\?[^}]+\}", text)
    assert ":-" not in re.search(r"CLIPSTREAM_JWT_SECRET:.*", text).group(0)  # type: ignore[union-attr]


def test_no_credential_is_written_in_the_file() -> None:
    services = _compose()["services"]
    for service in services.values():
        environment = service.get("environment") or {}
        for name, value in environment.items():
            if re.search(r"PASSWORD|SECRET", name):
                assert str(value).startswith("${"), (name, value)
                assert ":?" in str(value), (name, value)
    app = services["app"]["environment"]
    assert "${POSTGRES_PASSWORD" in app["CLIPSTREAM_DATABASE_URL"]


def test_published_ports_of_the_object_store_bind_to_loopback_only() -> None:
    for port in _compose()["services"]["minio"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), port
