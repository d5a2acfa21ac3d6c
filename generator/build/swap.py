"""Putting a build's new files in place: the new site swapped in by two renames, or the
changed files moved over the published site; the old files deleted last (in the background
for ``yimatong build``). Nothing of one build is kept in this module."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from generator import urls
from generator.build.cache import BuildState
from generator.build.plan import Plan, file_of
from generator.build.steps import StepRecord
from generator.pages.outputs import UNIT_FOLDERS
from generator.pages.views.common import Catalog, Output


def temporary(out: Path) -> Path:
    """A new empty folder beside ``out`` for the new files (``.<name>.building``)."""
    tmp = out.parent / f".{out.name}.building"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return tmp


def files(root: Path) -> set[str]:
    """Every file under ``root``, as a site path ("/e/.../index.html")."""
    found: set[str] = set()
    for folder, _, names in os.walk(root):
        rel = "/" + os.path.relpath(folder, root).replace(os.sep, "/")
        rel = "/" if rel == "/." else rel + "/"
        found.update(rel + name for name in names)
    return found


def swap_in(tmp: Path, out: Path, detach: bool = False) -> None:
    """Replace ``out`` with ``tmp`` by two renames, then delete the old site.

    With ``detach`` the old site (hundreds of thousands of files at province scale) is
    deleted by a background ``rm -rf``: the new site is already in place.
    """
    old = _old_folder(out)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    _delete(old, detach)


def _old_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.old-{time.time_ns()}"


#: The background deletion: at the lowest CPU priority and, where the disk's scheduler
#: honours it, in the idle I/O class, so it yields to the next build instead of competing.
BACKGROUND_RM = (
    '( if command -v ionice >/dev/null 2>&1; then exec nice -n 19 ionice -c 3 rm -rf -- "$1"; '
    'else exec nice -n 19 rm -rf -- "$1"; fi ) &'
)


def _delete(folder: Path, detach: bool) -> None:
    """Delete ``folder``, by a background ``rm -rf`` at the lowest priority with ``detach``."""
    if not folder.exists():
        return
    if detach:
        # The shell starts rm in the background and ends at once: rm is left to init, so
        # nothing of this build has to keep it (or wait for it) while it runs.
        subprocess.run(
            ["sh", "-c", BACKGROUND_RM, "sh", str(folder)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    else:
        shutil.rmtree(folder)


def apply_over(tmp: Path, out: Path, gone: set[str], detach: bool = False) -> None:
    """Move every file of ``tmp`` over ``out`` and delete the paths in ``gone``.

    Replaced and deleted files are first linked into a folder of old files, deleted last
    (in the background with ``detach``): freeing the blocks of replaced downloads of a
    hundred megabytes each would otherwise hold up the build.
    """
    old = _old_folder(out)
    old.mkdir()
    for number, rel in enumerate(sorted(files(tmp))):
        target = out / rel.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.link(target, old / str(number))
        os.replace(tmp / rel.lstrip("/"), target)
    for number, rel in enumerate(sorted(gone, reverse=True)):
        target = out / rel.lstrip("/")
        with contextlib.suppress(FileNotFoundError):
            os.replace(target, old / f"gone-{number}")
        folder = target.parent
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    shutil.rmtree(tmp)
    _delete(old, detach)


def unit_files_gone(
    out: Path, previous: BuildState, cat: Catalog, planned: Plan, new_files: set[str]
) -> set[str]:
    """Published files of removed units, and those of changed units that are no longer made
    (e.g. a removed outlet's page); a unit's files all live under its folder."""
    gone = set()
    for code in previous.units:
        if code in cat.unit_keys and code not in planned.units:
            continue  # unchanged: its files stay
        folder = urls.unit_path(code).rstrip("/")
        for rel in files(out / folder.lstrip("/")):
            if folder + rel not in new_files:
                gone.add(folder + rel)
    return gone


def publish(
    tmp: Path,
    out: Path,
    previous: BuildState | None,
    cat: Catalog,
    planned: Plan,
    todo: list[Output],
    keys: dict[str, str],
    records: dict[str, StepRecord],
    detach: bool,
) -> tuple[set[str], set[str]]:
    """Put the new files in place (see the module docstring); returns (gone, step files)."""
    extra = set().union(*(r.files for r in records.values())) - set(keys)
    if previous is None:
        swap_in(tmp, out, detach)
        return set(), extra
    gone = (set(previous.outputs) - set(keys)) | (previous.extra - extra)
    new_files = {file_of(o.path) for o in todo if o.path.startswith(UNIT_FOLDERS)}
    gone |= unit_files_gone(out, previous, cat, planned, new_files)
    apply_over(tmp, out, gone, detach)
    return gone, extra
