"""Clipstream's domain: entities, value objects and domain errors. Standard library only."""
