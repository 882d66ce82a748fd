"""Helpers shared by the use cases of several features: pagination, validation, partial
updates, who may see what, and services more than one feature calls."""
