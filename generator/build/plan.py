"""What a build has to make: every output with its content key, the global key, the unit
keys, and which outputs changed since the last build (see docs/build.md, "Incremental")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import assets
from generator.build.cache import BuildState
from generator.content import placeholders
from generator.content.model import Site
from generator.pages.app import fingerprinted
from generator.pages.nearby import KeptNearby, NearbyGrid, grid, nearby_keys
from generator.pages.outputs import (
    UNIT_FOLDERS,
    page_paths,
    site_outputs,
    unit_file_count,
    unit_outputs,
)
from generator.pages.views.common import Catalog, Output, digest
from generator.pages.views.draws import unit_draws_key
from generator.pages.views.ledger import unit_ledger_key
from generator.pages.views.pages import sitemap_lastmods, sitemap_outputs
from generator.pages.views.unit import as_of_marks, unit_key


class FileOverwriteError(Exception):
    """Two records would write the same file of the site."""


@dataclass
class Plan:
    """What a build considers: every site-wide output, and the files of every unit whose key
    differs from the last build's (all units when there is no last build)."""

    outputs: list[Output]
    #: Files of the whole site (units left out included).
    total: int
    #: Codes of the units all of whose files are in ``outputs``.
    units: set[str]
    #: Codes of the units of which only the pages are in ``outputs``: what changed is only
    #: their nearby lists (a neighbour renamed or moved); their data files and QR codes stay.
    pages_only: set[str] = field(default_factory=set)


def plan(
    cat: Catalog,
    conf: dict[str, Any],
    last_units: dict[str, str] | None = None,
    own_keys: tuple[dict[str, str], dict[str, str]] | None = None,
) -> Plan:
    """Outputs of the site, checked for two records writing the same path.

    ``last_units`` (unit code -> key of the last build's pages) leaves out the files of units
    whose key is unchanged: at province scale they are nearly all of the 400,000 files.
    ``own_keys`` (the last build's and this build's keys of what a unit shows without its
    nearby list) leaves out the data files and QR codes of a unit whose pages changed only
    by their nearby list.
    """
    outputs: list[Output] = []
    total, changed, pages_only = 0, set(), set()
    last_own, own = own_keys or ({}, {})
    for unit in cat.site.units:
        code = unit.fixed_source_code
        total += unit_file_count(unit)
        if last_units is not None and last_units.get(code) == unit_key(unit, cat):
            continue
        if (
            last_units is not None
            and code in last_units
            and last_own.get(code, "") == own.get(code)
        ):
            outputs += [o for o in unit_outputs(unit, cat, conf) if o.kind == "page"]
            pages_only.add(code)
        else:
            outputs += unit_outputs(unit, cat, conf)
            changed.add(code)
    site = list(site_outputs(cat, conf))
    check_site_paths(site)
    cat.page_paths = page_paths(cat, site)
    cat.lastmods = {}  # made again for these page paths
    site += sitemap_outputs(cat.page_paths, sitemap_lastmods(cat))
    for name, fingerprint in fingerprinted().items():
        site.append(Output(f"/static/{fingerprint}", "静态文件", fingerprint, "asset", name))
    outputs += site
    check_unique(outputs)
    return Plan(outputs, total + len(site), changed, pages_only)


def check_site_paths(outputs: list[Output]) -> None:
    """Fail if a site-wide page would be written inside the units' folders."""
    for output in outputs:
        if output.path.startswith(UNIT_FOLDERS):
            raise FileOverwriteError(
                f"{output.path} 在排污单位目录 {UNIT_FOLDERS} 之下，但由 {output.owner} 生成"
            )


def check_unique(outputs: list[Output]) -> None:
    """Fail if two records would write the same path (Pelican's FileOverwriteFailedError)."""
    if len({o.path for o in outputs}) == len(outputs):
        return
    owners: dict[str, str] = {}
    for output in outputs:
        if output.path in owners:
            raise FileOverwriteError(
                f"{output.path} 会被重复写入：{owners[output.path]} 与 {output.owner}"
                "（两条记录生成同一地址）"
            )
        owners[output.path] = output.owner


#: Settings that change what pages show; any change redoes the whole site.
PAGE_SETTINGS = (
    *("base_url", "feedback_url", "qr_error", "qr_border"),
    *placeholders.SETTING_VALUES,
)


#: Code and data that shape the pages; a change to any of them redoes the whole site.
PAGE_CODE = (
    "site/templates",
    "site/static",
    "generator/pages",
    "generator/content/readers",
    "generator/content/data",
    "generator/content/serialize.py",
    "generator/content/model.py",
    "generator/content/enums.py",
    "generator/content/placeholders.py",
    "generator/content/codes.py",
    "generator/content/results.py",
    "generator/spreadsheet.py",
    "generator/urls.py",
    "generator/qr/encode.py",
    "generator/qr/mask.py",
    "generator/build/plan.py",
)


def global_key(site: Site, conf: dict[str, Any]) -> str:
    """Key of everything every page depends on: templates, assets, code, settings, site."""
    sha = hashlib.sha256()
    for name, path in assets.code_files(PAGE_CODE):
        sha.update(name.encode())
        sha.update(path.read_bytes())
    sha.update(
        digest(
            [conf[name] for name in PAGE_SETTINGS],
            site.title,
            site.issuer,
            sorted((p.slug, p.title, p.order) for p in site.pages),
            sorted(site.divisions.items()),
            site.ledger_as_of is not None,  # every unit page shows whether a ledger is read
        ).encode()
    )
    return sha.hexdigest()[:24]


def source_keys(
    content_dir: Path, site: Site, hashes: dict[str, str] | None = None
) -> dict[str, str]:
    """The key of each unit's record: the bytes of its source record (file, or line of a
    JSON Lines file), what it shows that depends on the site's as-of date (``as_of_marks``),
    its report statistics, ledger items and draws. What the build steps (search, open data,
    directory, feeds) and the listings' rows show of a unit; its pages also show its nearby
    list (``with_nearby``).

    Hashing the source is much faster than hashing the loaded model; the readers' code is
    part of the global key, so the same bytes always load to the same unit. ``hashes`` are
    the SHA-1s the load cache took of the same bytes while reading.
    """
    lines: dict[str, list[bytes] | None] = {}
    stats = (site.report_stats or {}).get("units", {})
    hashes = hashes or {}
    as_of = site.judged_on
    keys: dict[str, str] = {}
    for unit in site.units:
        source = hashes.get(unit.source)
        if not source:
            raw = _source_bytes(content_dir, unit.source, lines)
            if raw is None:
                continue
            source = hashlib.sha1(raw).hexdigest()
        counts = stats.get(unit.fixed_source_code)
        marks = as_of_marks(unit, as_of)
        ledger = unit_ledger_key(site, unit.fixed_source_code)
        drawn = unit_draws_key(site, unit.fixed_source_code)
        # Without report statistics, ledger items or draws (the usual case) the parts are the key.
        if ledger is not None or drawn is not None:
            keys[unit.fixed_source_code] = digest(source, marks, counts, ledger, drawn)
        else:
            keys[unit.fixed_source_code] = (
                f"{source}:{marks}" if counts is None else digest(source, marks, counts)
            )
    return keys


def with_nearby(site: Site, keys: dict[str, str], conf: dict[str, Any]) -> dict[str, str]:
    """The keys of the units' pages: ``keys`` with the names, codes and distances of each
    unit's nearby list (``pages.nearby.nearby_keys`` with ``conf``'s settings). Renaming a
    unit redoes the pages of the units that list it, not their rows in the steps' files."""
    return nearby_page_keys(keys, nearby_keys(site, conf))


def nearby_since(
    site: Site, keys: dict[str, str], conf: dict[str, Any], kept: KeptNearby | None
) -> tuple[dict[str, str], NearbyGrid, KeptNearby]:
    """``with_nearby``, the nearby lists made again only near the units added, removed,
    renamed or moved since ``kept`` (the last build's, ``NearbyGrid.keys_since``); the grid
    (for the pages) and what the next build starts from."""
    near = grid(site, conf)
    lists = near.keys_since(kept)
    return nearby_page_keys(keys, lists), near, near.kept(lists)


def nearby_page_keys(keys: dict[str, str], near: dict[str, str]) -> dict[str, str]:
    """``keys`` with each unit's nearby list's key ``near`` hashed in (where it has one)."""
    return {code: digest(key, near[code]) if code in near else key for code, key in keys.items()}


def _source_bytes(content_dir: Path, source: str, lines: dict) -> bytes | None:
    """The bytes of a unit's source record ("file" or "file:line"), or None if gone."""
    name, _, number = source.partition(":")
    path = content_dir / name
    if number:
        if name not in lines:
            lines[name] = path.read_bytes().split(b"\n") if path.is_file() else None
        return None if lines[name] is None else lines[name][int(number) - 1]
    if source and path.is_file():
        return path.read_bytes()
    return None


def file_of(path: str) -> str:
    """The file of output path ``path`` (a page's path ends in /: its index.html)."""
    return path + "index.html" if path.endswith("/") else path


def plan_todo(
    cat: Catalog,
    conf: dict[str, Any],
    previous: BuildState | None,
    own_keys: dict[str, str] | None = None,
) -> tuple[Plan, dict[str, str], list[Output]]:
    """The plan, the key of every file outside the units' folders, and what to render.
    ``own_keys``: the units' keys without their nearby lists (``BuildState.own``)."""
    last = previous.units if previous is not None else None
    own = (previous.own, own_keys) if previous is not None and own_keys is not None else None
    planned = plan(cat, conf, last, own)
    keys = {file_of(o.path): o.key for o in planned.outputs if not o.path.startswith(UNIT_FOLDERS)}
    todo = [
        o
        for o in planned.outputs
        if previous is None
        or o.path.startswith(UNIT_FOLDERS)
        or previous.outputs.get(file_of(o.path)) != o.key
    ]
    return planned, keys, todo
