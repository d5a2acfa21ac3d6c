"""Web-standard checks: the same running system as the journeys (see tests/e2e/stack.py)."""

from tests.e2e.stack import browser, desktop, make_page, phone, shots, stack  # noqa: F401
