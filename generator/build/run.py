"""``yimatong build``: load, validate, start the steps, plan, freeze the site app in parallel,
finish the steps, swap in. See docs/build.md.

The jobs live in their own modules: what changed (plan.py), the steps (registry.py lists
them, steps.py runs them, context.py is what they are given), rendering (generator/pages/
render.py), putting the files in place (swap.py), what the last build wrote (cache.py).
Incremental: every output file has a content key (see views.common.Output); a unit's files
share the unit's key. A build renders only the files whose key changed.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from generator import settings as settings_mod
from generator.build import fingerprint
from generator.build.cache import BuildBusyError, BuildState, build_lock, load_state, save_state
from generator.build.guard import (
    UnitDropError,
    WriteFailure,
    check_drop,
    failure_message,
    forget_state,
    published_codes,
)
from generator.build.load import load, long_lived, monitoring
from generator.build.plan import (
    FileOverwriteError,
    global_key,
    nearby_since,
    plan_todo,
    source_keys,
)
from generator.build.registry import SEARCH_STEP, STEPS
from generator.build.shards import Manifest, ShardError, check_shards, place_shards
from generator.build.steps import StepRecord, StepRunner, inputs_key
from generator.build.swap import publish, temporary
from generator.content.problems import ContentError
from generator.context import BuildContext, Step
from generator.monitoring.rating import MethodError
from generator.monitoring.store import StoreError
from generator.pages.app import create_site_app
from generator.pages.nearby import KeptNearby, NearbyGrid
from generator.pages.outputs import UNIT_FOLDERS
from generator.pages.render import render_outputs
from generator.pages.views.common import Catalog


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did."""

    total: int
    rendered: int
    removed: int
    full: bool
    seconds: float
    #: Seconds spent in each phase: load, monitoring, plan, render, steps, publish.
    phases: dict[str, float] = field(default_factory=dict)
    #: What the load noticed without stopping (``Site.notices``), printed after the build.
    notices: tuple[str, ...] = ()


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


class _Timer:
    """Seconds spent in each phase of a build."""

    def __init__(self) -> None:
        self.started = self.clock = time.monotonic()
        self.phases: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.phases[name], self.clock = now - self.clock, now


def _finish_steps(
    runner: StepRunner, previous: BuildState | None, excluded: tuple[str, ...], timer: _Timer
) -> dict[str, StepRecord]:
    """Wait for the steps; steps left out this time keep their files and run next time."""
    records = runner.finish()
    for name, old in (previous.steps if previous is not None else {}).items():
        if name in excluded:
            records[name] = StepRecord("", old.files, old.seconds)
    timer("steps")
    ran = {step.name for step in runner.todo}
    timer.phases.update(
        {f"step {n.rsplit(':', 1)[-1]}": r.seconds for n, r in records.items() if n in ran}
    )
    return records


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
    inputs: fingerprint.Fingerprint | None = None,
    shards: Sequence[Path] = (),
) -> BuildResult:
    """Build the static site of ``content_dir`` into ``out_dir``; raises ContentError,
    BuildBusyError when another build is writing into ``out_dir``, UnitDropError when it
    would drop too many published units (unless ``allow_drop``), WriteFailure when writing
    fails (a full disk).

    ``run_steps=False`` leaves out the build steps (benchmarks of the pages alone),
    ``exclude_steps`` the steps named (e.g. "generator.search.index:write_index");
    ``detach_cleanup`` deletes the replaced site in the background (see swap_in). Unless
    ``full``, a build whose inputs are those of the last build stops at once with its result
    (``fingerprint.unchanged``); ``inputs`` is their fingerprint when the caller has just
    found them changed. ``shards`` (folders of ``build_shard``) make a merge: a full build
    whose unit and outlet files are linked in from the shards instead of rendered (raises
    ShardError when they do not fit the content).
    """
    timer = _Timer()
    conf = settings_mod.resolve({**(overrides or {}), "base_url": base_url})
    out, cache = Path(out_dir).resolve(), Path(conf["cache_dir"]).resolve()
    options = fingerprint.build_options(run_steps, exclude_steps)
    full = full or bool(shards)
    with build_lock(out):
        if inputs is None:
            kept, inputs = _inputs(Path(content_dir), out, conf, options, full)
            if kept is not None:
                timer("fingerprint")
                return BuildResult(kept.total, 0, 0, False, _since(timer), timer.phases)
        fingerprint.forget(cache, out)
        job_steps = [s for s in STEPS if s.name not in exclude_steps] if run_steps else []
        total, rendered, removed, previous, notices = _build_locked(
            Path(content_dir),
            out,
            conf,
            timer,
            jobs,
            full,
            progress,
            job_steps,
            detach_cleanup,
            exclude_steps,
            allow_drop,
            tuple(Path(s) for s in shards),
        )
        inputs.outputs, inputs.total = fingerprint.guarded(cache, out, conf), total
        fingerprint.save(cache, out, inputs)
    return BuildResult(
        total, rendered, removed, previous is None, _since(timer), timer.phases, notices
    )


def _since(timer: _Timer) -> float:
    return time.monotonic() - timer.started


def _build_locked(
    content: Path,
    out: Path,
    conf: dict[str, Any],
    timer: _Timer,
    jobs: int | None,
    full: bool,
    progress: bool,
    steps: list[Step],
    detach: bool,
    exclude_steps: tuple[str, ...],
    allow_drop: bool,
    shards: tuple[Path, ...] = (),
) -> tuple[int, int, int, BuildState | None, tuple[str, ...]]:
    """Load, check, plan, render and publish (the lock held); the counts, the state the
    build went from (None: full) and what the load noticed without stopping."""
    cache = Path(conf["cache_dir"]).resolve()
    with contextlib.ExitStack() as stack:
        site, load_cache = load(content, conf, progress)
        stack.callback(load_cache.wait)
        content_keys = source_keys(content, site, load_cache.hashes)
        timer("load")
        public, unit_keys = monitoring(site, conf, content_keys)
        timer("monitoring")
        state = load_state(cache, out)
        if not allow_drop:
            codes = {u.fixed_source_code for u in site.units}
            check_drop(published_codes(out, state), codes, conf["max_unit_drop_percent"])
        key = global_key(site, conf)
        previous = None if full else state
        if previous is not None and (previous.global_key != key or not out.is_dir()):
            previous = None
        kept = previous.nearby if previous is not None else None
        page_keys, grid, near = nearby_since(site, unit_keys, conf, kept)
        merged = check_shards(site, key, page_keys, shards) if shards else []
        job = _Job(
            out, cache, key, previous, jobs, detach, exclude_steps, timer, merged, nearby=near
        )
        job.row_keys.update(content_keys)
        job.page_keys.update(page_keys)
        # The temporary folder is made only once the build is allowed (the drop guard).
        ctx = BuildContext(site, temporary(out), conf, unit_keys, progress=0 if progress else None,
                           monitoring=public)  # fmt: skip
        total, rendered, removed = _make(ctx, job, steps, grid)
        timer("publish")
    return total, rendered, removed, previous, tuple(site.notices)


def _inputs(
    content: Path, out: Path, conf: dict[str, Any], options: dict[str, Any], full: bool
) -> tuple[fingerprint.Fingerprint | None, fingerprint.Fingerprint]:
    """The kept fingerprint when nothing changed (never for a full build), and the new one."""
    if not full:
        return fingerprint.unchanged(content, out, conf, options)
    kept = fingerprint.load(Path(conf["cache_dir"]).resolve(), out)
    return None, fingerprint.take(content, conf, options, kept)


@dataclass(frozen=True, slots=True)
class _Job:
    """What one build writes into and keeps: where, its keys and options, its timer."""

    out: Path
    cache: Path
    key: str
    previous: BuildState | None
    jobs: int | None
    detach: bool
    exclude_steps: tuple[str, ...]
    timer: _Timer
    #: The shards a merge links the unit files from (none: render them).
    shards: list[Manifest] = field(default_factory=list)
    #: The units' content keys without their monitoring figures (listings' rows).
    row_keys: dict[str, str] = field(default_factory=dict)
    #: The nearby lists the next build starts from (``plan.nearby_since``).
    nearby: KeptNearby | None = None
    #: The keys of the units' pages (``plan.nearby_since``); the steps get ``ctx.unit_keys``.
    page_keys: dict[str, str] = field(default_factory=dict)


def _make(
    ctx: BuildContext, job: _Job, steps: Sequence[Step], grid: NearbyGrid | None = None
) -> tuple[int, int, int]:
    """Run the steps, plan and render the pages into ``ctx.out_dir``, put them in place and
    keep the state; (files of the site, files rendered, files removed). Nothing of a
    failed build stays."""
    site, conf, tmp, timer = ctx.site, ctx.settings, ctx.out_dir, job.timer
    key = inputs_key(site, dict(ctx.unit_keys or {}), conf)
    runner = StepRunner(steps, ctx, key, trusted_steps(job.previous, conf), job.jobs)
    stage = "render"
    try:
        runner.start(tmp)  # forked steps run while the pages are planned and rendered
        with long_lived():
            app = create_site_app(site, conf, ctx.monitoring)
            cat: Catalog = app.extensions["yimatong.catalog"]
            cat.unit_keys.update(job.page_keys)
            if grid is not None:
                cat.use_nearby(grid)
            cat.row_keys.update(job.row_keys)
            own = dict(ctx.unit_keys or {})
            planned, keys, todo = plan_todo(cat, conf, job.previous, own)
        timer("plan")
        if job.shards:  # a merge: the units' files are the shards'
            place_shards(job.shards, tmp)
            todo = [o for o in todo if not o.path.startswith(UNIT_FOLDERS)]
            timer("shards")
        render_outputs(app, todo, tmp, conf, jobs=job.jobs, progress=ctx.progress is not None)
        timer("render")
        records = _finish_steps(runner, job.previous, job.exclude_steps, timer)
        stage = "publish"
        gone, extra = publish(
            tmp, job.out, job.previous, cat, planned, todo, keys, records, job.detach
        )
        stage = "state"
        state = BuildState(job.key, keys, dict(cat.unit_keys), extra, records, own, job.nearby)
        save_state(job.cache, job.out, state)
    except BaseException as error:
        runner.abort()
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(error, OSError):
            if stage == "state":
                forget_state(job.cache, job.out)
            raise WriteFailure(error, stage, str(job.out)) from error
        raise
    return planned.total, len(todo), len(gone)


def build_and_report(
    content_dir: str | None,
    out_dir: str | None,
    base_url: str | None,
    *,
    jobs: int | None = None,
    full: bool = False,
    overrides: dict[str, Any] | None = None,
    allow_drop: bool = False,
    inputs: fingerprint.Fingerprint | None = None,
    shards: Sequence[str] = (),
) -> None:
    """Build as ``yimatong build`` does (with ``shards``: ``--merge``): progress and timings
    printed, exit 1 on a problem."""
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
            inputs=inputs,
            shards=[Path(s) for s in shards],
        )
    except ContentError as error:
        click.echo(error.report(), err=True)
        sys.exit(1)
    except (FileOverwriteError, BuildBusyError, UnitDropError, MethodError, StoreError) as error:
        click.echo(f"构建失败：{error}", err=True)
        sys.exit(1)
    except ShardError as error:
        click.echo(f"构建失败：{error}", err=True)
        sys.exit(1)
    except WriteFailure as error:
        click.echo(error.message(), err=True)
        sys.exit(1)
    except OSError as error:  # before anything was written into the site
        click.echo(failure_message(error), err=True)
        sys.exit(1)
    for notice in result.notices:
        click.echo(f"提示：{notice}", err=True)
    kind = "合并" if shards else "全量" if result.full else "增量"
    parts = f"（{len(shards)} 个分片）" if shards else ""
    click.echo(
        f"{kind}构建完成{parts}：共 {result.total} 个文件，生成 {result.rendered} 个，"
        f"删除 {result.removed} 个，用时 {result.seconds:.1f} 秒 → {out_dir}"
    )
    click.echo("各阶段用时（秒）：" + "，".join(f"{k} {v:.1f}" for k, v in result.phases.items()))
