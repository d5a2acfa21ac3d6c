"""Build steps that run after the pages are frozen, each ``step(site, out_dir, settings)``.

Each writes its files inside ``out_dir`` (the temporary build folder, swapped in only
when every step has succeeded). Listed by "module:function" so a step is imported
only when a build runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .model import Site

STEPS: list[str] = [
    "generator.opendata:write_open_data",
    "generator.feeds:write_feeds",
    "generator.publish:write_netlify_redirects",
    "generator.searchindex:write_index",
]

Step = Callable[[Site, Path, dict[str, Any]], None]


def load_steps() -> list[tuple[str, Step]]:
    """The post-freeze steps, imported."""
    steps = []
    for target in STEPS:
        module, attr = target.split(":")
        steps.append((target, getattr(importlib.import_module(module), attr)))
    return steps
