"""Settings for the whole suite."""

from __future__ import annotations

import shutil
import tempfile

from hypothesis.configuration import set_hypothesis_home_dir

_HYPOTHESIS_HOME: list[str] = []


def pytest_configure(config) -> None:
    """Hypothesis (and schemathesis through it) keeps its caches in a temporary folder."""
    _HYPOTHESIS_HOME.append(tempfile.mkdtemp(prefix="hypothesis-"))
    set_hypothesis_home_dir(_HYPOTHESIS_HOME[-1])


def pytest_unconfigure(config) -> None:
    """Remove that folder."""
    set_hypothesis_home_dir(None)
    while _HYPOTHESIS_HOME:
        shutil.rmtree(_HYPOTHESIS_HOME.pop(), ignore_errors=True)
