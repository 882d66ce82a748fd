"""Use cases about the service's own health."""
