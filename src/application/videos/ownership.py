"""Loading a video for an operation only its owner may do."""

from __future__ import annotations
