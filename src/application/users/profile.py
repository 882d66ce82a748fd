"""The read model of a profile (defined in `application.common.profile`, which search shares)."""

from __future__ import annotations

from application.common.profile import Profile

__all__ = ["Profile"]
