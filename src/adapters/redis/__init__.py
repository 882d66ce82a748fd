"""Redis adapters: state shared by every app instance (view de-duplication, login lock-out)."""
