"""Port: reports and the cases they open (write side)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation import Case, Report, ReportReason, TargetType


class ReportRepository(Protocol):
    """Reports, and one case per reported target, in the unit of work's transaction."""

    async def add(self, report: Report) -> bool:
        """Store an open report; False (nothing stored) if the reporter already holds an open
        report on the same target."""
        ...

    async def open_report(
        self, reporter_id: UUID, target_type: TargetType, target_id: UUID
    ) -> Report | None:
        """The reporter's open report on the target, if any."""
        ...

    async def report_times(self, reporter_id: UUID, since: datetime) -> Sequence[datetime]:
        """When the reporter filed each report after `since`, oldest first."""
        ...

    async def open_reporters(self, target_type: TargetType, target_id: UUID) -> int:
        """How many distinct users hold open reports on the target."""
        ...

    async def count_in_case(
        self, target_type: TargetType, target_id: UUID, reason: ReportReason, now: datetime
    ) -> None:
        """Count a new report in the target's case: open one (counts from zero) when there is
        none or it was resolved."""
        ...

    async def resolve(self, target_type: TargetType, target_id: UUID, now: datetime) -> int:
        """Resolve the target's open reports and close its case; how many reports were open."""
        ...

    async def case(self, target_type: TargetType, target_id: UUID) -> Case | None:
        """The target's case (its last one), with the count of each reason."""
        ...
