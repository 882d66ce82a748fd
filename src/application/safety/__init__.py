"""Safety: blocks, reports, moderation, roles and the audit log."""
