"""Password hashing and token adapters."""
