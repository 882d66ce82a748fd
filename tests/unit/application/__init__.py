"""Use cases on the in-memory adapters."""
