"""`Common`: the services of `application.common` that several features share."""

from __future__ import annotations

from application.common.idempotency import IdempotentRequests
from application.common.password_check import PasswordCheck
from application.common.storage_cleanup import StorageCleanup
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class Common(Ports):
    """Password checks (with the failed-attempt limit), storage deletions, idempotent requests."""

    password_check = singleton(PasswordCheck, Ports.hasher, Ports.login_attempts)
    storage_cleanup = singleton(StorageCleanup, Ports.unit_of_work, Ports.storage, Ports.clock)
    idempotency = singleton(IdempotentRequests, Ports.idempotency_store, Ports.clock)
