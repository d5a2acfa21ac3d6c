"""The main segment kept for updates in ``cache_dir/search``: its state, saved and loaded,
and what a new site changes against it. See generator/search/update.py and docs/search.md.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generator.content.model import Site, Unit
from generator.search.segment import segment_files

#: Version of the cached state; a different one means a full build.
FORMAT = 3
STATE_FILE = "state.pickle"
MATRIX_FILE = "hot.npy"
#: An update whose changed units exceed this share of all units (and MERGE_MIN_UNITS) is
#: a full build instead: the delta stays small, and so does every update's work.
MERGE_SHARE = 0.02
MERGE_MIN_UNITS = 50


@dataclass
class MainState:
    """What an update needs to know of the main segment (kept in cache_dir/search)."""

    format: int
    key: str
    unit_keys: dict[str, str]
    pages_key: str
    count: int
    unkeyed: list[str]  # main units built without a key (analysed again every time)
    owners: list[str]  # per main document: its unit's code, "" for pages
    ranks: list[tuple]  # per main document: its rank key (Entry.rank), ascending
    locals: list[int]  # per main document: its index among its unit's documents
    ties: list[tuple[int, int]]  # ranges of main documents with equal rank keys
    code_keys: list[str]  # the code table, sorted: keys ...
    code_docs: np.ndarray  # ... and their documents
    rows: list[tuple[str, str]]  # hot rows, sorted; their bitsets are in MATRIX_FILE
    segment: Any
    files: dict[str, int]  # segment file name -> size


@dataclass
class Changes:
    """Units to analyse again and owners whose main documents are hidden."""

    units: list[Unit]
    hidden: set[str]
    pages: bool
    #: The main's units still in the site keep their order (so ties in rank keep theirs).
    order_kept: bool


def cache_key(site: Site) -> str:
    """Key of what every document depends on besides its unit: the code and the divisions.

    Not the as-of date: a document shows it only as its unit's permit state, which the unit
    keys carry (``views.unit.as_of_marks``).
    """
    sha = hashlib.sha1(f"{FORMAT}\n{sorted(site.divisions.items())}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        sha.update(path.read_bytes())
    return sha.hexdigest()


def pages_key(site: Site) -> str:
    """Key of the content pages (their documents are rebuilt when it changes)."""
    return hashlib.sha1(repr(site.pages).encode()).hexdigest()


def save_main(folder: Path, temp: Path, state: MainState, matrix: np.ndarray) -> None:
    """Replace the cached main: segment files (linked), hot bitsets, then the state last."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in segment_files(temp, state.segment):
        link(temp / name, folder / name)
        state.files[name] = (folder / name).stat().st_size
    np.save(folder / MATRIX_FILE, matrix)
    part = folder / (STATE_FILE + ".part")
    part.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(part, folder / STATE_FILE)


def link(source: Path, dest: Path) -> None:
    """Hard link (whoosh never rewrites a segment file), or copy across file systems."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def load_main(folder: Path, key: str) -> tuple[MainState, np.ndarray] | None:
    """The cached main, or None if missing, damaged or built from other code or divisions."""
    try:
        state = pickle.loads((folder / STATE_FILE).read_bytes())
        if not isinstance(state, MainState) or (state.format, state.key) != (FORMAT, key):
            return None
        for name, size in state.files.items():
            if (folder / name).stat().st_size != size:
                return None
        matrix = np.load(folder / MATRIX_FILE)
        if matrix.shape != (len(state.rows), (state.count + 7) // 8):
            return None
        return state, matrix
    except Exception:  # any damage (truncated, unreadable, old classes): build in full
        return None


def changes(site: Site, unit_keys: dict[str, str], state: MainState) -> Changes | None:
    """What differs from the main; None when so much does that a full build is due."""
    old = state.unit_keys
    redo = {code for code, key in unit_keys.items() if not key or old.get(code) != key}
    codes = [u.fixed_source_code for u in site.units]
    present = set(codes)
    redo |= present - unit_keys.keys()
    if len(redo) > max(MERGE_MIN_UNITS, MERGE_SHARE * len(codes)):
        return None
    units = [u for u in site.units if u.fixed_source_code in redo] if redo else []
    hidden = {u.fixed_source_code for u in units}
    hidden.update(code for code in (*old, *state.unkeyed) if code not in present)
    pages = pages_key(site) != state.pages_key
    if pages:
        hidden.add("")
    if len(codes) == len(old) and not hidden - present:
        kept = codes == list(old)
    else:
        kept = [c for c in codes if c in old] == [c for c in old if c in present]
    return Changes(units, hidden, pages, kept)
