"""The HTTP layer on the in-memory adapters."""
