"""Build steps that run after the pages are frozen, each ``step(site, out_dir, settings)``.

Each writes its files inside ``out_dir`` (the temporary build folder, swapped in only
when every step has succeeded). Listed by "module:function" so a step is imported
only when a build runs.

A build runs a step only when its inputs changed (``inputs_key``: unit keys, the rest of the
site, settings, code); otherwise the step's files of the last build stay. During a build the
settings also carry ``_unit_keys`` (unit code -> content key) for steps that cache per unit.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

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


#: Settings entries starting with this are build context for steps, not settings.
CONTEXT = "_"


@dataclass
class StepRecord:
    """What one step did in the last build: the key of its inputs and the files it wrote."""

    key: str
    files: set[str] = field(default_factory=set)
    #: Seconds the step took in the build that ran it (0 when skipped).
    seconds: float = 0.0


def step_code_key() -> str:
    """Hash of the generator's code and templates (a step may use any of it)."""
    root = Path(__file__).resolve().parent.parent
    sha = hashlib.sha1()
    for folder in (root / "generator", root / "site" / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".csv", ".xml", ".txt"):
                sha.update(path.name.encode())
                sha.update(path.read_bytes())
    return sha.hexdigest()[:20]


def inputs_key(site: Site, unit_keys: dict[str, str], settings: dict[str, Any]) -> str:
    """Key of everything a step reads: the units (by their keys), the rest of the site,
    the settings and the code. Equal keys mean a step would write the same files."""
    sha = hashlib.sha1(step_code_key().encode())
    for code in sorted(unit_keys):
        sha.update(f"{code}:{unit_keys[code]}\n".encode())
    sha.update(
        repr(
            (
                len(site.units),
                site.pages,
                site.bodies,
                site.title,
                site.issuer,
                site.province,
                site.as_of,
                site.report_stats,
                sorted((k, repr(v)) for k, v in settings.items() if not k.startswith(CONTEXT)),
            )
        ).encode()
    )
    return sha.hexdigest()[:24]


def _move_all(source: Path, dest: Path) -> set[str]:
    """Move every file under ``source`` to the same place under ``dest``; their paths."""
    moved = set()
    for folder, _, names in os.walk(source):
        for name in names:
            rel = os.path.relpath(os.path.join(folder, name), source).replace(os.sep, "/")
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(os.path.join(folder, name), target)
            moved.add("/" + rel)
    return moved


#: Steps run in forked processes side by side when the site has at least this many units
#: (or when ``jobs`` is given): below it forking costs more than the steps take.
PARALLEL_FROM_UNITS = 2000


def step_bar(settings: dict[str, Any], total: int, desc: str, unit: str = "个") -> tqdm:
    """A progress bar for one long part of a step (counts and time left), shown when the
    build shows progress; steps running side by side each get their own line."""
    position = settings.get("_progress")
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        disable=position is None,
        position=position or 0,
        smoothing=0.1,
    )


def _run_one(
    name: str, step: Step, site: Site, out_dir: Path, settings: dict
) -> tuple[Path, float]:
    """Run one step into a new scratch folder next to ``out_dir``; the folder and seconds."""
    scratch = Path(tempfile.mkdtemp(prefix=".step-", dir=Path(out_dir).parent))
    started = time.monotonic()
    try:
        step(site, scratch, settings)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return scratch, time.monotonic() - started


_FORKED: dict[str, Any] = {}


def _run_forked(index: int) -> tuple[Path, float]:
    name, step = _FORKED["steps"][index]
    settings = {**_FORKED["settings"], "_progress": _FORKED["positions"][index]}
    return _run_one(name, step, _FORKED["site"], _FORKED["out_dir"], settings)


def _run_all(
    todo: list[tuple[str, Step]],
    site: Site,
    out_dir: Path,
    settings: dict[str, Any],
    jobs: int | None,
    progress: bool,
) -> list[tuple[Path, float]]:
    """Run ``todo`` one after another, or side by side in forked processes (each inherits
    the loaded site) when there are several, the site is large and there are cores.

    If a step fails, the scratch folders of the others are removed and its error raised.
    """
    cores = jobs or os.cpu_count() or 1
    parallel = len(todo) > 1 and cores > 1
    parallel = parallel and (jobs is not None or len(site.units) >= PARALLEL_FROM_UNITS)
    positions = [n + 1 if progress else None for n in range(len(todo))]
    bar = tqdm(total=len(todo), desc="构建步骤", unit="步", disable=not progress)
    done: list[tuple[Path, float]] = []
    try:
        if not parallel:
            for (name, step), position in zip(todo, positions, strict=True):
                settings_here = {**settings, "_progress": position}
                done.append(_run_one(name, step, site, out_dir, settings_here))
                bar.update()
            return done
        _FORKED.update(
            steps=todo, site=site, out_dir=out_dir, settings=settings, positions=positions
        )
        context = multiprocessing.get_context("fork")
        tqdm.set_lock(context.RLock())
        with context.Pool(min(cores, len(todo))) as pool:
            waiting = [pool.apply_async(_run_forked, (n,)) for n in range(len(todo))]
            failed: BaseException | None = None
            for result in waiting:
                try:
                    done.append(result.get())
                    bar.update()
                except Exception as error:  # wait for the others, then raise the first
                    failed = failed or error
            if failed is not None:
                raise failed
        return done
    except BaseException:
        for scratch, _ in done:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        bar.close()
        _FORKED.clear()


def run_steps(
    steps: list[tuple[str, Step]],
    site: Site,
    out_dir: Path,
    settings: dict[str, Any],
    key: str,
    previous: dict[str, StepRecord] | None = None,
    progress: bool = False,
    jobs: int | None = None,
) -> dict[str, StepRecord]:
    """Run each step whose inputs changed since ``previous`` into ``out_dir``.

    A step whose key is unchanged is skipped: its files from the last build stay published
    (the build keeps them). Each step writes into a scratch folder first, so the files it
    wrote are known without walking the whole site. Steps are independent of each other
    (each builds its files from the site alone), so several run side by side.
    """
    records: dict[str, StepRecord] = {}
    todo, keys = [], {}
    for name, step in steps:
        step_key = hashlib.sha1(f"{name}\n{key}".encode()).hexdigest()[:24]
        old = (previous or {}).get(name)
        if old is not None and old.key == step_key:
            records[name] = StepRecord(old.key, old.files)
        else:
            todo.append((name, step))
            keys[name] = step_key
    scratches: list[Path] = []
    try:
        for (name, _), (scratch, seconds) in zip(
            todo, _run_all(todo, site, out_dir, settings, jobs, progress), strict=True
        ):
            scratches.append(scratch)
            records[name] = StepRecord(keys[name], _move_all(scratch, Path(out_dir)), seconds)
    finally:
        for scratch in scratches:
            shutil.rmtree(scratch, ignore_errors=True)
    return {name: records[name] for name, _ in steps}
