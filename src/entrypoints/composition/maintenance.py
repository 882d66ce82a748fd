"""`MaintenanceUseCases`: periodic clean-up (application.maintenance)."""

from __future__ import annotations

from application.maintenance.expire_uploads import ExpireUploads
from application.maintenance.forget_sessions import ForgetEndedSessions
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class MaintenanceUseCases(Ports):
    """Expire uploads that were never finished; forget sessions that ended a week ago."""

    expire_uploads = singleton(
        ExpireUploads, Ports.unit_of_work, Ports.storage_cleanup, Ports.clock
    )
    forget_ended_sessions = singleton(ForgetEndedSessions, Ports.unit_of_work, Ports.clock)
