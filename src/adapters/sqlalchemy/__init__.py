"""SQL storage through SQLAlchemy Core: tables, repositories and unit of work (PostgreSQL, SQLite)."""
