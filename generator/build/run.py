"""``yimatong build``: load, validate, start the steps, plan, freeze the site app in parallel,
finish the steps, swap in. See docs/build.md.

Incremental: every output file has a content key (see views.common.Output); a unit's files
share the unit's key. The keys of the last build are kept in the cache folder; a build renders
only the files whose key changed, removes the files that are gone, and applies the result over
the published folder. A change of template, asset, setting or page-shaping code changes the
global key and redoes everything.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from generator import settings as settings_mod
from generator import urls
from generator.content.model import Site
from generator.content.problems import ContentError
from generator.build.guard import UnitDropError, WriteFailure, check_drop, failure_message, forget_state, published_codes
from generator.pages.render import render_outputs
from generator.pages.app import ROOT, create_site_app, fingerprinted
from generator.build.cache import BuildBusyError, BuildState, build_lock, load_state, save_state
from generator.build.steps import StepRecord, StepRunner, inputs_key, load_steps
from generator.pages.views import UNIT_FOLDERS, page_paths, site_outputs, unit_file_count, unit_outputs
from generator.pages.views.common import Catalog, Output, digest
from generator.pages.views.pages import sitemap_lastmods, sitemap_outputs
from generator.pages.views.unit import as_of_marks, unit_key


class FileOverwriteError(Exception):
    """Two records would write the same file of the site."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did."""

    total: int
    rendered: int
    removed: int
    full: bool
    seconds: float
    #: Seconds spent in each phase: load, plan, render, steps, publish.
    phases: dict[str, float] = field(default_factory=dict)


@dataclass
class Plan:
    """What a build considers: every site-wide output, and the files of every unit whose key
    differs from the last build's (all units when there is no last build)."""

    outputs: list[Output]
    #: Files of the whole site (units left out included).
    total: int
    #: Codes of the units whose files are in ``outputs``.
    units: set[str]


def plan(cat: Catalog, conf: dict[str, Any], last_units: dict[str, str] | None = None) -> Plan:
    """Outputs of the site, checked for two records writing the same path.

    ``last_units`` (unit code -> key of the last build) leaves out the files of units whose
    key is unchanged: at province scale they are nearly all of the 400,000 files.
    """
    outputs: list[Output] = []
    total, changed = 0, set()
    for unit in cat.site.units:
        code = unit.fixed_source_code
        total += unit_file_count(unit)
        if last_units is None or last_units.get(code) != unit_key(unit, cat):
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
    return Plan(outputs, total + len(site), changed)


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
PAGE_SETTINGS = ("base_url", "feedback_url", "hotline", "qr_error", "qr_border", "expiring_days")


#: Code and data that shape the pages; a change to any of them redoes the whole site.
PAGE_CODE = (
    "site/templates",
    "site/static",
    "generator/views",
    "generator/readers",
    "generator/data",
    "generator/pages/app.py",
    "generator/pages/charts.py",
    "generator/urls.py",
    "generator/content/serialize.py",
    "generator/content/model.py",
    "generator/qr/encode.py",
    "generator/qr/mask.py",
    "generator/content/codes.py",
    "generator/pages/render.py",
    "generator/build/run.py",
)


def global_key(site: Site, conf: dict[str, Any]) -> str:
    """Key of everything every page depends on: templates, assets, code, settings, site."""
    sha = hashlib.sha256()
    for name in PAGE_CODE:
        root = ROOT / name
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_file() and path.suffix != ".pyc":
                sha.update(str(path.relative_to(ROOT)).encode())
                sha.update(path.read_bytes())
    sha.update(
        digest(
            [conf[name] for name in PAGE_SETTINGS],
            site.title,
            site.issuer,
            sorted((p.slug, p.title, p.order) for p in site.pages),
            sorted(site.divisions.items()),
        ).encode()
    )
    return sha.hexdigest()[:24]


def source_keys(
    content_dir: Path, site: Site, hashes: dict[str, str] | None = None
) -> dict[str, str]:
    """The key of each unit: the bytes of its source record (file, or line of a JSON Lines
    file) and what it shows that depends on the site's as-of date (``as_of_marks``).

    Hashing the source is much faster than hashing the loaded model; the readers' code is
    part of the global key, so the same bytes always load to the same unit. ``hashes`` are
    the SHA-1s the load cache took of the same bytes while reading.
    """
    lines: dict[str, list[bytes] | None] = {}
    stats = (site.report_stats or {}).get("units", {})
    hashes = hashes or {}
    as_of = site.as_of
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
        # Without report statistics (the usual case) the parts themselves are the key.
        keys[unit.fixed_source_code] = (
            f"{source}:{marks}" if counts is None else digest(source, marks, counts)
        )
    return keys


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


#: The step whose files live outside the site (settings["search_index_dir"]).
SEARCH_STEP = "generator.search.index:write_index"


def trusted_steps(previous: BuildState | None, conf: dict[str, Any]) -> dict | None:
    """The last build's step records, less the search step's when the index in
    ``search_index_dir`` is no longer the one that build wrote (another build, e.g. a test
    run, replaced or removed it): the step then runs again and repairs the index."""
    if previous is None:
        return None
    steps = dict(previous.steps)
    record = steps.get(SEARCH_STEP)
    if record is not None and record.key:
        from generator.search.identity import index_matches_build
        from generator.search.index import index_folder

        if not index_matches_build(index_folder(conf), record.key):
            del steps[SEARCH_STEP]
    from generator.directory.write import untrusted

    return {name: r for name, r in steps.items() if name not in untrusted(steps, conf)}


def _temporary(out: Path) -> Path:
    tmp = out.parent / f".{out.name}.building"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return tmp


def _files(root: Path) -> set[str]:
    found = set()
    for folder, _, names in os.walk(root):
        rel = "/" + os.path.relpath(folder, root).replace(os.sep, "/")
        rel = "/" if rel == "/." else rel + "/"
        found.update(rel + name for name in names)
    return found


def _file_of(path: str) -> str:
    return path + "index.html" if path.endswith("/") else path


#: Background deletions of replaced sites (kept so they are not garbage-collected running).
_CLEANERS: list[subprocess.Popen] = []


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


def _delete(folder: Path, detach: bool) -> None:
    """Delete ``folder``, by a background ``rm -rf`` with ``detach``."""
    if not folder.exists():
        return
    if detach:
        _CLEANERS.append(
            subprocess.Popen(
                ["rm", "-rf", str(folder)],
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
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
    for number, rel in enumerate(sorted(_files(tmp))):
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


class _Timer:
    """Seconds spent in each phase of a build."""

    def __init__(self) -> None:
        self.started = self.clock = time.monotonic()
        self.phases: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.phases[name], self.clock = now - self.clock, now


def _unit_files_gone(
    out: Path, previous: BuildState, cat: Catalog, planned: Plan, new_files: set[str]
) -> set[str]:
    """Published files of removed units, and those of changed units that are no longer made
    (e.g. a removed outlet's page); a unit's files all live under its folder."""
    gone = set()
    for code in previous.units:
        if code in cat.unit_keys and code not in planned.units:
            continue  # unchanged: its files stay
        folder = urls.unit_path(code).rstrip("/")
        for rel in _files(out / folder.lstrip("/")):
            if folder + rel not in new_files:
                gone.add(folder + rel)
    return gone


def _plan_todo(
    cat: Catalog, conf: dict[str, Any], previous: BuildState | None
) -> tuple[Plan, dict[str, str], list[Output]]:
    """The plan, the key of every file outside the units' folders, and what to render."""
    planned = plan(cat, conf, previous.units if previous is not None else None)
    keys = {_file_of(o.path): o.key for o in planned.outputs if not o.path.startswith(UNIT_FOLDERS)}
    todo = [
        o
        for o in planned.outputs
        if previous is None
        or o.path.startswith(UNIT_FOLDERS)
        or previous.outputs.get(_file_of(o.path)) != o.key
    ]
    return planned, keys, todo


def _finish_steps(
    runner: StepRunner, previous: BuildState | None, excluded: tuple[str, ...], timer: _Timer
) -> dict[str, StepRecord]:
    """Wait for the steps; steps left out this time keep their files and run next time."""
    records = runner.finish()
    for name, old in (previous.steps if previous is not None else {}).items():
        if name in excluded:
            records[name] = StepRecord("", old.files, old.seconds)
    timer("steps")
    ran = {name for name, _ in runner.todo}
    timer.phases.update(
        {f"step {n.rsplit(':', 1)[-1]}": r.seconds for n, r in records.items() if n in ran}
    )
    return records


def _publish(
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
    new_files = {_file_of(o.path) for o in todo if o.path.startswith(UNIT_FOLDERS)}
    gone |= _unit_files_gone(out, previous, cat, planned, new_files)
    apply_over(tmp, out, gone, detach)
    return gone, extra


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """Make objects that live for the whole build without the cycle collector: loading and
    planning make millions of them and no cyclic garbage, so it would only rescan them (a
    third of the load time); they are frozen out of its reach afterwards."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _load(content_dir: Path, conf: dict[str, Any], progress: bool = False) -> tuple[Site, Any]:
    """Load and validate the content; the site and the load cache, whose changed shards may
    still be being written (call its ``wait``)."""
    from generator.content.readers import LoadCache, load_site

    with _long_lived():
        load_cache = LoadCache(Path(conf["cache_dir"]).resolve(), content_dir)
        stats = conf["stats_file"] or None
        site = load_site(content_dir, stats, load_cache, progress=progress, save_in_background=True)
        return site, load_cache


def build(
    content_dir: str | Path,
    out_dir: str | Path,
    base_url: str | None = None,
    *,
    jobs: int | None = None,
    full: bool = False,
    progress: bool = True,
    overrides: dict[str, Any] | None = None,
    run_steps: bool = True,
    detach_cleanup: bool = False,
    exclude_steps: tuple[str, ...] = (),
    allow_drop: bool = False,
) -> BuildResult:
    """Build the static site of ``content_dir`` into ``out_dir``; raises ContentError,
    BuildBusyError when another build is writing into ``out_dir``, UnitDropError when it
    would drop too many published units (unless ``allow_drop``), WriteFailure when writing
    fails (a full disk).

    ``run_steps=False`` leaves out the build steps (benchmarks of the pages alone),
    ``exclude_steps`` the steps named (e.g. "generator.search.index:write_index");
    ``detach_cleanup`` deletes the replaced site in the background (see swap_in).
    """
    timer = _Timer()
    conf = settings_mod.resolve({**(overrides or {}), "base_url": base_url})
    out, cache = Path(out_dir).resolve(), Path(conf["cache_dir"]).resolve()
    with build_lock(out), contextlib.ExitStack() as stack:
        site, load_cache = _load(Path(content_dir), conf, progress)
        stack.callback(load_cache.wait)
        unit_keys = source_keys(Path(content_dir), site, load_cache.hashes)
        timer("load")
        state = load_state(cache, out)
        if not allow_drop:
            codes = {u.fixed_source_code for u in site.units}
            check_drop(published_codes(out, state), codes, conf["max_unit_drop_percent"])
        key = global_key(site, conf)
        previous = None if full else state
        if previous is not None and (previous.global_key != key or not out.is_dir()):
            previous = None
        steps = [s for s in load_steps() if s[0] not in exclude_steps] if run_steps else []
        runner = StepRunner(
            steps,
            site,
            {**conf, "_unit_keys": unit_keys},
            inputs_key(site, unit_keys, conf),
            trusted_steps(previous, conf),
            progress,
            jobs,
        )
        tmp, stage = _temporary(out), "render"
        try:
            runner.start(tmp)  # forked steps run while the pages are planned and rendered
            with _long_lived():
                app = create_site_app(site, conf)
                cat: Catalog = app.extensions["yimatong.catalog"]
                cat.unit_keys.update(unit_keys)
                planned, keys, todo = _plan_todo(cat, conf, previous)
            timer("plan")
            render_outputs(app, todo, tmp, conf, jobs=jobs, progress=progress)
            timer("render")
            records = _finish_steps(runner, previous, exclude_steps, timer)
            stage = "publish"
            gone, extra = _publish(
                tmp, out, previous, cat, planned, todo, keys, records, detach_cleanup
            )
            stage = "state"
            save_state(cache, out, BuildState(key, keys, dict(cat.unit_keys), extra, records))
        except BaseException as error:
            runner.abort()
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(error, OSError):
                if stage == "state":
                    forget_state(cache, out)
                raise WriteFailure(error, stage, str(out)) from error
            raise
        timer("publish")
    seconds = time.monotonic() - timer.started
    return BuildResult(planned.total, len(todo), len(gone), previous is None, seconds, timer.phases)


@click.command("build")
@click.option("--content", "content_dir", default=None, help="内容目录（默认 content/）。")
@click.option("--out", "out_dir", default=None, help="输出目录（默认 build/site）。")
@click.option("--base-url", default=None, help="网站地址，二维码编码此地址。")
@click.option("--jobs", "-j", type=int, default=None, help="并行进程数（默认 CPU 核数）。")
@click.option("--full", is_flag=True, help="忽略增量缓存，全部重新生成。")
@click.option(
    "--allow-drop", is_flag=True, help="允许撤下超过 max_unit_drop_percent 的已发布排污单位。"
)
def build_command(
    content_dir: str | None,
    out_dir: str | None,
    base_url: str | None,
    jobs: int | None,
    full: bool,
    allow_drop: bool,
) -> None:
    """Validate content and build the static site (only what changed, unless --full)."""
    build_and_report(content_dir, out_dir, base_url, jobs=jobs, full=full, allow_drop=allow_drop)


def build_and_report(
    content_dir: str | None,
    out_dir: str | None,
    base_url: str | None,
    *,
    jobs: int | None = None,
    full: bool = False,
    overrides: dict[str, Any] | None = None,
    allow_drop: bool = False,
) -> None:
    """Build as ``yimatong build`` does: progress and timings printed, exit 1 on a problem."""
    content_dir = content_dir or settings_mod.get("content_dir")
    out_dir = out_dir or settings_mod.get("out_dir")
    try:
        result = build(
            content_dir,
            out_dir,
            base_url,
            jobs=jobs,
            full=full,
            progress=True,
            detach_cleanup=True,
            overrides=overrides,
            allow_drop=allow_drop,
        )
    except ContentError as error:
        click.echo(error.report(), err=True)
        sys.exit(1)
    except (FileOverwriteError, BuildBusyError, UnitDropError) as error:
        click.echo(f"构建失败：{error}", err=True)
        sys.exit(1)
    except WriteFailure as error:
        click.echo(error.message(), err=True)
        sys.exit(1)
    except OSError as error:  # before anything was written into the site
        click.echo(failure_message(error), err=True)
        sys.exit(1)
    kind = "全量" if result.full else "增量"
    click.echo(
        f"{kind}构建完成：共 {result.total} 个文件，生成 {result.rendered} 个，"
        f"删除 {result.removed} 个，用时 {result.seconds:.1f} 秒 → {out_dir}"
    )
    click.echo("各阶段用时（秒）：" + "，".join(f"{k} {v:.1f}" for k, v in result.phases.items()))
