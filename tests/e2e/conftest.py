"""Browser journeys: fixtures for the running system (see stack.py)."""

from .stack import browser, desktop, phone, shots, stack  # noqa: F401
