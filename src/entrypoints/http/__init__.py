"""The Litestar HTTP layer."""
