"""What one build hands to its steps: the ``BuildContext``, the ``Step`` declaration, and the
key of the code every step may use. Shared by the build and the stages whose steps it runs
(open data, search, publish, the directory), so no stage imports the build.


Everything that belongs to one build and not to the user's settings travels here (the unit
keys, the step's inputs key, the line of its progress bars), never in the settings dict or
in module globals. A step is ``step(site, out_dir, settings, ctx)``; called outside a build
(tests, one-off runs) ``ctx`` is None and the step does all its work from the site alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

import generator
from generator import assets
from generator.content.model import Site


@dataclass(frozen=True, slots=True)
class BuildContext:
    """One build's state for its steps; the runner gives each step a copy of its own
    (``for_step``) with its scratch folder, inputs key and progress line."""

    site: Site
    #: Where the step writes its files (the build's scratch folder for it).
    out_dir: Path
    #: The user's settings only (``generator.settings.resolve``), nothing per build.
    settings: dict[str, Any] = field(default_factory=dict)
    #: Unit code -> content key, for steps that cache per unit; None outside a build.
    unit_keys: Mapping[str, str] | None = None
    #: Key of the step's inputs (the search index keeps it as its stamp); "" outside a build.
    step_key: str = ""
    #: Terminal line of the step's progress bars, or None when the build shows no progress.
    progress: int | None = None
    #: What the pages show of automatic monitoring (generator/pages/automatic.py's
    #: PublicMonitoring, computed once by the build from the store); None outside a build.
    monitoring: Any = None

    @property
    def cache_dir(self) -> Path | None:
        """The cache folder of the build (``settings["cache_dir"]``), None when unset."""
        folder = self.settings.get("cache_dir")
        return Path(folder) if folder else None

    def for_step(self, out_dir: Path, step_key: str, progress: int | None) -> BuildContext:
        """The context of one step: its scratch folder, inputs key and progress line."""
        return BuildContext(
            self.site, out_dir, self.settings, self.unit_keys, step_key, progress, self.monitoring
        )


def step_bar(ctx: BuildContext | None, total: int, desc: str, unit: str = "个") -> tqdm:
    """A progress bar for one long part of a step (counts and time left), shown when the
    build shows progress; steps running side by side each get their own line."""
    position = ctx.progress if ctx is not None else None
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        disable=position is None,
        position=position or 0,
        smoothing=0.1,
    )


class StepFunction(Protocol):
    """A build step: writes its files into ``out_dir`` from ``site`` alone."""

    def __call__(
        self,
        site: Site,
        out_dir: Path,
        settings: dict[str, Any],
        ctx: BuildContext | None = None,
    ) -> object:
        """Write the step's files."""


@dataclass(frozen=True, slots=True)
class Step:
    """One build step: the function, and its name ("module:function" unless given), which
    keys its record in the build state and names it in ``exclude_steps``."""

    run: StepFunction
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            name = f"{self.run.__module__}:{self.run.__qualname__}"  # type: ignore[attr-defined]
            object.__setattr__(self, "name", name)


def step_code_key() -> str:
    """Hash of the generator's code and templates (a step may use any of it)."""
    sha = hashlib.sha1()
    for folder in (Path(generator.__file__).resolve().parent, assets.templates_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".csv", ".xml", ".txt"):
                sha.update(path.name.encode())
                sha.update(path.read_bytes())
    return sha.hexdigest()[:20]
