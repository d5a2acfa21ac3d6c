"""The Open311 blueprint with every route and error handler registered on it."""

from feedback.open311 import errors, keys, requests, views  # noqa: F401  (routes and tables)
from feedback.open311.blueprint import bp

__all__ = ["bp"]
