"""Background jobs: the one place that declares every task and periodic task."""
