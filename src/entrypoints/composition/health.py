"""`HealthUseCases`: readiness (application.health)."""

from __future__ import annotations

from application.health.check_readiness import CheckReadiness
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class HealthUseCases(Ports):
    """Whether the database and the storage answer."""

    check_readiness = singleton(CheckReadiness, Ports.probes)
