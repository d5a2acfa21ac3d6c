"""Load ``content/`` into a Site: read every file, validate the whole model, report all problems.

Readers are keyed by format (see ``files.UNIT_READERS``); docs/content.md describes the schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tqdm import tqdm

from generator import clock
from generator.content.divisions import load_divisions
from generator.content.model import EnforcementBody, Page, Site, Unit
from generator.content.problems import ContentError, Problem
from generator.content.readers.draws import Draws, known_units, read_draws
from generator.content.readers.fields import Sharing
from generator.content.readers.files import (
    UNIT_READERS,
    read_bodies,
    read_page,
    read_site_settings,
    read_stats,
)
from generator.content.readers.ledger import Ledger, read_ledger, unknown_units
from generator.content.readers.loadcache import CACHED_READERS, LoadCache
from generator.content.readers.scan import scan
from generator.content.readers.units import read_unit
from generator.content.validate import validate

__all__ = ["load_site", "load_divisions", "read_content", "read_unit", "UNIT_READERS", "LoadCache"]


def unit_files(content: Path) -> list[Path]:
    """The files of ``content/units`` that a unit reader reads, sorted."""
    return scan(content).units


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reported by the reader
        return 0


def read_units(
    content: Path,
    load_cache: LoadCache | None = None,
    bar: Any = None,
    files: list[Path] | None = None,
) -> tuple[list[Unit], list[Problem]]:
    """Every unit of ``files`` (default: ``unit_files``) in every known format, sorted by
    fixed-source code.

    With ``load_cache`` the records read before without problems are taken from it. ``bar``
    (a progress bar over the bytes of ``unit_files``) is moved on as they are read.
    """
    units: list[Unit] = []
    problems: list[Problem] = []
    sharing = Sharing()  # this load's equal values as one object, dropped after it
    for path in unit_files(content) if files is None else files:
        rel = path.relative_to(content).as_posix()
        cached = CACHED_READERS.get(path.suffix) if load_cache is not None else None
        if cached is not None and load_cache is not None:
            found, trouble = cached(load_cache, path, rel, bar, sharing)
        else:
            found, trouble = UNIT_READERS[path.suffix](path, rel, sharing)
            if bar is not None:
                bar.update(_size(path))
        units.extend(found)
        problems.extend(trouble)
    units.sort(key=lambda u: u.fixed_source_code)
    return units, problems


def read_pages(content: Path, files: list[Path] | None = None) -> tuple[list[Page], list[Problem]]:
    """Markdown pages of ``files`` (default: those in ``content/pages``), sorted by
    (order, slug)."""
    pages: list[Page] = []
    problems: list[Problem] = []
    for path in scan(content).pages if files is None else files:
        found, trouble = read_page(path, path.relative_to(content).as_posix())
        pages.extend(found)
        problems.extend(trouble)
    pages.sort(key=lambda p: (p.order, p.slug))
    return pages, problems


def _service_files(
    stats_file: Path | str | None,
    ledger_file: Path | str | None,
    draws_file: Path | str | None,
    codes: set[str],
) -> tuple[dict[str, Any], list[Problem]]:
    """What the service exported (statistics, ledger, draws; each optional) as the Site's
    fields, with the problems; items and drawn units of ``codes`` unknown become notices."""
    stats: dict = {}
    ledger, problems = Ledger(), list[Problem]()
    if stats_file and Path(stats_file).is_file():
        stats, problems = read_stats(Path(stats_file), str(stats_file))
    if ledger_file:
        ledger, found = read_ledger(Path(ledger_file), str(ledger_file))
        problems += found
    draws = Draws()
    if draws_file:
        draws, found = read_draws(Path(draws_file), str(draws_file))
        problems += found
    draws, unknown = known_units(draws, codes, str(draws_file))
    fields = {
        "report_stats": stats,
        "ledger": tuple(i for i in ledger.items if i.unit_code in codes),
        "ledger_as_of": ledger.as_of,
        "ledger_monthly": ledger.monthly,
        "draws": draws.draws,
        "draws_as_of": draws.as_of,
        "notices": tuple(unknown_units(ledger, codes, str(ledger_file)) + unknown),
    }
    return fields, problems


def read_content(
    content_dir: Path | str,
    stats_file: Path | str | None = None,
    load_cache: LoadCache | None = None,
    bar: Any = None,
    ledger_file: Path | str | None = None,
    draws_file: Path | str | None = None,
) -> tuple[Site, list[Problem]]:
    """Read everything into a Site without validating it; return it with the read problems
    (files that would not be read among them, see ``readers.scan``)."""
    content = Path(content_dir)
    if not content.is_dir():
        return Site(units=()), [Problem(str(content), "", "", "找不到内容文件夹")]
    files = scan(content)
    problems = list(files.problems)
    units, found = read_units(content, load_cache, bar, files.units)
    problems += found
    pages, found = read_pages(content, files.pages)
    problems += found
    bodies: list[EnforcementBody] = []
    if "bodies.yaml" in files.top:
        bodies, found = read_bodies(files.top["bodies.yaml"], "bodies.yaml")
        problems += found
    settings: dict[str, str] = {}
    if "site.yaml" in files.top:
        settings, found = read_site_settings(files.top["site.yaml"], "site.yaml")
        problems += found
    codes = {u.fixed_source_code for u in units}
    exported, found = _service_files(stats_file, ledger_file, draws_file, codes)
    problems += found
    given = {k: v for k, v in settings.items() if v}
    exported.update(given)
    site = Site(
        units=tuple(units),
        pages=tuple(pages),
        bodies=tuple(bodies),
        divisions=load_divisions(given.get("province", Site.province)),
        **exported,
    )
    return site, problems


def load_site(
    content_dir: Path | str,
    stats_file: Path | str | None = None,
    load_cache: LoadCache | None = None,
    progress: bool = False,
    save_in_background: bool = False,
    ledger_file: Path | str | None = None,
    draws_file: Path | str | None = None,
) -> Site:
    """Read and validate ``content_dir``; raise ContentError carrying every problem found.

    With ``load_cache`` (see readers/loadcache.py) unchanged records are not read again, units
    that passed the per-unit checks today are not checked again, and the cache is saved.
    ``progress`` shows a bar for reading (bytes) and for checking (units);
    ``save_in_background`` writes the load cache while the caller goes on (see
    ``LoadCache.save``; call its ``wait`` before the process ends). ``stats_file`` and
    ``ledger_file`` are the service's exports (docs/statistics.md), ``draws_file`` too
    (docs/draws.md).
    """
    today = clock.china_today()
    size = sum(map(_size, unit_files(Path(content_dir)))) if progress else 0
    with tqdm(total=size, desc="读取内容", unit="B", unit_scale=True, disable=not progress) as bar:
        site, problems = read_content(
            content_dir, stats_file, load_cache, bar, ledger_file, draws_file
        )
    checked = load_cache.checked(today) if load_cache is not None else frozenset()
    with tqdm(
        total=len(site.units) - len(checked), desc="检查内容", unit="个", disable=not progress
    ) as bar:
        problems += validate(site, today=today, checked=checked, bar=bar)
    if load_cache is not None:
        if not problems:
            load_cache.mark_checked(today)
        load_cache.save(background=save_in_background and not problems)
    if problems:
        raise ContentError(problems)
    return site
