"""Browser journeys: fixtures for the running system (see stack.py)."""

from .stack import browser, desktop, make_page, phone, shots, stack  # noqa: F401
