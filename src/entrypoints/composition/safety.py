"""`SafetyUseCases`: blocks, reports, moderation, roles, the audit log (application.safety)."""

from __future__ import annotations

from application.safety.audit import ReadAuditLog
from application.safety.block_user import BlockUser, UnblockUser
from application.safety.cases import ListCases
from application.safety.list_blocks import ListBlocks
from application.safety.moderate import Moderate
from application.safety.report import ReportContent
from application.safety.set_role import SetRole, SetRoleByUsername
from entrypoints.composition.ports import Ports
from entrypoints.composition.wiring import singleton


class SafetyUseCases(Ports):
    """Blocks between accounts, reports, the moderators' queue and actions, roles, the log."""

    block_user = singleton(BlockUser, Ports.unit_of_work, Ports.clock)
    unblock_user = singleton(UnblockUser, Ports.unit_of_work)
    list_blocks = singleton(ListBlocks, Ports.block_queries)
    report_content = singleton(
        ReportContent, Ports.unit_of_work, Ports.clock, Ports.ids, Ports.safety_policy
    )
    list_cases = singleton(ListCases, Ports.moderation_queries)
    moderate = singleton(
        Moderate, Ports.unit_of_work, Ports.clock, Ports.ids, Ports.moderation_queries
    )
    read_audit_log = singleton(ReadAuditLog, Ports.moderation_queries)
    set_role = singleton(SetRole, Ports.unit_of_work, Ports.clock, Ports.ids)
    set_role_by_username = singleton(SetRoleByUsername, Ports.unit_of_work)
