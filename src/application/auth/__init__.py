"""Use cases about logging in and sessions."""
