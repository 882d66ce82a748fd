"""One Litestar controller per feature."""
