"""PostgreSQL only: the fast read path on a raw psycopg pool (`read_pool`), and every use of
SQLAlchemy's and psycopg's internals (`_library_internals`)."""
