"""`MaintenanceUseCases`: periodic clean-up (application.maintenance)."""

from __future__ import annotations

from application.maintenance.expire_uploads import ExpireUploads
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class MaintenanceUseCases(Ports):
    """Expire uploads that were never finished."""

    expire_uploads = singleton(
        ExpireUploads, Ports.unit_of_work, Ports.storage_cleanup, Ports.clock
    )
