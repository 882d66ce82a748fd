"""Adapters that need no I/O."""
