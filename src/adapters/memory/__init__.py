"""The original in-memory storage: dict-backed repositories and unit of work (tests, demos)."""
