"""ASGI middleware of the HTTP layer."""
