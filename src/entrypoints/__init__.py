"""Composition root, settings, HTTP layer and command line."""
