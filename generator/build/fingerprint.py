"""The fingerprint of everything a build reads, checked before anything is loaded: when it is
the one the last build into the same folder kept, nothing changed and the build stops at
once with the same result (docs/build.md, "Nothing changed").

What a build reads: every file under the content folder, the report statistics file, the
generator's code and the site's templates and static files (every file of both packages),
the settings and the build's options, the Python version, and the day (China date): permit
states and overdue flags are judged on the day of the build (``Site.judged_on``), so the
first build of a day always goes the usual, incremental way. Each file is known by its size,
modification and change times and SHA-1: a file whose size and times are those kept is not
read again, any other is hashed, so a file touched but not changed still counts as
unchanged. The change time cannot be set back (``touch -d`` sets only the modification
time); a file changed within ``RACY_NS`` of the moment the kept fingerprint was taken is
hashed whatever its times say (two writes within one tick of the clock look alike).

What the last build wrote is guarded too: the build state, the search index's metadata and
the directory file beside it must be the very files that build left (same size, time and
inode), and the output folder must exist; otherwise the build runs its usual way, which
repairs them. This module imports only the standard library, the clock and ``assets``, so that
``yimatong build`` answers "nothing changed" before importing the rest of the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import assets, clock

#: Bump when the fingerprint's format or meaning changes.
VERSION = 1
#: A file changed this close (ns) to when the kept fingerprint was taken is hashed again.
RACY_NS = 2_000_000_000
#: The search index's metadata file (generator/search/identity.py: META_FILE).
INDEX_META = "yimatong-search.json"
#: The directory file's suffix beside the index folder (generator/directory/records.py).
DIRECTORY_SUFFIX = ".directory.jsonl"

#: (size, modification time, change time (both ns), SHA-1) of a file read by the build.
FileMark = tuple[int, int, int, str]


@dataclass
class Fingerprint:
    """What a build read (files by path, the settings and options) and what it left."""

    taken_ns: int
    files: dict[str, FileMark]
    options: str
    #: (size, mtime_ns, inode) of each guarded output, None where it is missing.
    outputs: dict[str, list[int] | None] = field(default_factory=dict)
    #: Files of the site, as the last build reported them.
    total: int = 0

    def same_inputs(self, other: Fingerprint) -> bool:
        """Whether both read the same bytes with the same settings and options."""
        mine = {path: mark[3] for path, mark in self.files.items()}
        theirs = {path: mark[3] for path, mark in other.files.items()}
        return self.options == other.options and mine == theirs


def builds_folder_name(out: Path) -> str:
    """The name under which the cache keeps what concerns output folder ``out``."""
    return hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]


def fingerprint_file(cache: Path, out: Path) -> Path:
    """Where the fingerprint of the last build into ``out`` is kept (beside its state)."""
    return cache / "builds" / f"{builds_folder_name(out)}.inputs.json"


def state_path(cache: Path, out: Path) -> Path:
    """The build state's file (generator/build/cache.py keeps it there)."""
    return cache / "builds" / f"{builds_folder_name(out)}.pickle"


def code_roots() -> list[tuple[str, Path]]:
    """The folders of the code a build runs: the generator package and the site's files."""
    return [("generator", Path(__file__).resolve().parent.parent), ("site", assets.site_dir())]


def _roots(content_dir: Path, conf: dict[str, Any]) -> list[tuple[str, Path]]:
    """The folders and files a build reads, each with the prefix its paths are kept under."""
    roots = [("content", content_dir), *code_roots()]
    for name, prefix in SERVICE_FILES:
        if conf.get(name):
            roots.append((prefix, Path(conf[name])))
    return roots


#: Files other than content a build shows (settings naming them, prefix their paths are kept
#: under): the service's exports and the monitoring store. A new one must be listed here, or
#: a build after it changed would stop as "nothing changed".
SERVICE_FILES = (
    ("stats_file", "stats"),
    ("ledger_file", "ledger"),
    ("draws_file", "draws"),
    ("monitoring_db", "monitoring"),
)


def _walk(prefix: str, root: Path) -> list[tuple[str, os.stat_result, Path]]:
    """Every file under ``root`` (or ``root`` itself), with its stat, compiled code left out."""
    if root.is_file():
        return [(prefix, root.stat(), root)]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".pyc"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            try:
                found.append((f"{prefix}/{rel}", os.stat(path), Path(path)))
            except FileNotFoundError:
                continue  # removed while walking: not read by this build either
    return found


def _sha1(path: Path) -> str:
    """The file's SHA-1, or a mark of why it could not be read (the build that follows
    reports the file as the content problem it is; this build then keeps no fingerprint)."""
    sha = hashlib.sha1()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                sha.update(chunk)
    except OSError as error:
        return f"unreadable:{error.errno}:{time.time_ns()}"
    return sha.hexdigest()


def build_options(run_steps: bool, exclude_steps: tuple[str, ...]) -> dict[str, Any]:
    """The options of a build that change what it writes (part of the fingerprint)."""
    return {"run_steps": run_steps, "exclude_steps": sorted(exclude_steps)}


def options_key(conf: dict[str, Any], options: dict[str, Any]) -> str:
    """Hash of the settings, the build's options, the Python version and today's China date
    (permit states are judged on the day of the build: ``Site.judged_on``)."""
    text = repr(
        (
            VERSION,
            sys.version,
            clock.china_today().isoformat(),
            sorted((k, repr(v)) for k, v in conf.items()),
            options,
        )
    )
    return hashlib.sha1(text.encode()).hexdigest()


def take(
    content_dir: Path, conf: dict[str, Any], options: dict[str, Any], kept: Fingerprint | None
) -> Fingerprint:
    """The fingerprint of the build's inputs now; files whose size and time are those of
    ``kept`` (and not changed close to when it was taken) keep their SHA-1 unread."""
    taken = time.time_ns()
    files: dict[str, FileMark] = {}
    old = kept.files if kept is not None else {}
    racy_from = kept.taken_ns - RACY_NS if kept is not None else 0
    for prefix, root in _roots(Path(content_dir), conf):
        if not root.exists():
            continue
        for name, st, path in _walk(prefix, root):
            stat = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            mark = old.get(name)
            if mark is not None and mark[:3] == stat and max(stat[1:]) < racy_from:
                files[name] = mark
            else:
                files[name] = (*stat, _sha1(path))
    return Fingerprint(taken, files, options_key(conf, options))


def guarded(cache: Path, out: Path, conf: dict[str, Any]) -> dict[str, list[int] | None]:
    """Size, time and inode of what the last build left and the next one trusts."""
    index = Path(conf["search_index_dir"])
    paths = {
        "state": state_path(cache, out),
        "index": index / INDEX_META,
        "directory": index.with_name(index.name + DIRECTORY_SUFFIX),
        "site": out,
    }
    marks: dict[str, list[int] | None] = {}
    for name, path in paths.items():
        try:
            st = path.stat()
        except OSError:
            marks[name] = None
            continue
        size = 0 if path == out else st.st_size
        marks[name] = [size, st.st_mtime_ns if path != out else 0, st.st_ino]
    return marks


def load(cache: Path, out: Path) -> Fingerprint | None:
    """The fingerprint kept by the last build into ``out``, or None."""
    try:
        data = json.loads(fingerprint_file(cache, out).read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        files = {k: (int(v[0]), int(v[1]), int(v[2]), str(v[3])) for k, v in data["files"].items()}
        return Fingerprint(
            int(data["taken_ns"]), files, data["options"], data["outputs"], int(data["total"])
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def save(cache: Path, out: Path, fingerprint: Fingerprint) -> None:
    """Keep ``fingerprint`` for the next build into ``out`` (a temporary file, then a rename)."""
    path = fingerprint_file(cache, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": VERSION,
        "taken_ns": fingerprint.taken_ns,
        "files": fingerprint.files,
        "options": fingerprint.options,
        "outputs": fingerprint.outputs,
        "total": fingerprint.total,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def forget(cache: Path, out: Path) -> None:
    """Remove the kept fingerprint: the build into ``out`` is about to change what it left."""
    try:
        fingerprint_file(cache, out).unlink(missing_ok=True)
    except OSError:
        pass


def unchanged(
    content_dir: Path, out: Path, conf: dict[str, Any], options: dict[str, Any]
) -> tuple[Fingerprint | None, Fingerprint]:
    """(the kept fingerprint when nothing changed since the last build, else None; the
    fingerprint of the inputs now). When only files' times moved, the kept one is renewed."""
    cache = Path(conf["cache_dir"]).resolve()
    kept = load(cache, out)
    now = take(content_dir, conf, options, kept)
    if kept is None or not now.same_inputs(kept) or guarded(cache, out, conf) != kept.outputs:
        return None, now
    if now.files != kept.files:
        save(
            cache, out, Fingerprint(now.taken_ns, now.files, now.options, kept.outputs, kept.total)
        )
    return kept, now
