"""Job queue adapters: procrastinate on PostgreSQL, an in-process runner on SQLite (and in memory
for unit tests), and what they share (the registry of tasks, running one attempt)."""
