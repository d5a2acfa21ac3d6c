"""Running the build steps beside the pages (the steps themselves are listed in
generator/build/registry.py).

Each step writes its files inside its ``out_dir`` (a scratch folder; the build moves them
into its temporary folder, swapped in only when every step has succeeded), from the ``Site``
alone: steps are independent of each other and of the pages, so they run side by side in
forked processes while the pages are rendered (``StepRunner``).

A build runs a step only when its inputs changed (``inputs_key``: unit keys, the rest of the
site, settings, code); otherwise the step's files of the last build stay. Each step that
runs gets its own ``BuildContext`` (generator/context.py): the unit keys, its inputs
key and the line of its progress bars.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from generator.content.model import Site
from generator.context import BuildContext, Step, step_code_key


@dataclass
class StepRecord:
    """What one step did in the last build: the key of its inputs and the files it wrote."""

    key: str
    files: set[str] = field(default_factory=set)
    #: Seconds the step took in the last build that ran it.
    seconds: float = 0.0


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
                site.ledger,
                site.ledger_as_of,
                site.draws,
                site.draws_as_of,
                sorted((k, repr(v)) for k, v in settings.items()),
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


def _run_one(
    step: Step, ctx: BuildContext, scratch_parent: Path, prefix: str, key: str, line: int | None
) -> tuple[Path, float]:
    """Run one step into a new scratch folder; the folder and the seconds it took."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch_parent))
    started = time.monotonic()
    try:
        step.run(ctx.site, scratch, ctx.settings, ctx.for_step(scratch, key, line))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return scratch, time.monotonic() - started


def _child(connection: Any, run: Callable[[], tuple[Path, float]]) -> None:
    """Body of a forked step: send back its result or its error."""
    try:
        connection.send(("ok", run()))
    except BaseException as error:  # the parent raises it
        try:
            connection.send(("error", error))
        except Exception:  # the error itself could not be pickled
            connection.send(("error", RuntimeError(repr(error))))
    finally:
        connection.close()


class StepRunner:
    """Runs the build steps whose inputs changed since the last build.

    ``start`` forks a process per core (each inherits the loaded site, nothing is copied) when
    the site is large and there are cores, and shares the steps out among them by how long
    each took last time, so the steps run side by side and beside the rest of the build;
    ``finish`` waits for them (or runs them here, one after another) and
    moves their files into the output folder. Steps are independent of each other: each
    builds its files from the site alone. A step whose key is unchanged is skipped: its
    files from the last build stay published (the build keeps them).
    """

    def __init__(
        self,
        steps: Sequence[Step],
        ctx: BuildContext,
        key: str,
        previous: dict[str, StepRecord] | None = None,
        jobs: int | None = None,
    ) -> None:
        self.steps, self.ctx, self.site = list(steps), ctx, ctx.site
        self.progress, self.jobs = ctx.progress is not None, jobs
        self.records: dict[str, StepRecord] = {}
        self.todo: list[Step] = []
        self.keys: dict[str, str] = {}
        #: Seconds each step to run is expected to take (its last run's), by number.
        self.expected: list[float] = []
        for step in self.steps:
            name = step.name
            step_key = hashlib.sha1(f"{name}\n{key}".encode()).hexdigest()[:24]
            old = (previous or {}).get(name)
            if old is not None and old.key == step_key:
                self.records[name] = StepRecord(old.key, old.files, old.seconds)
            else:
                self.todo.append(step)
                self.keys[name] = step_key
                self.expected.append(old.seconds if old is not None and old.seconds else 1.0)
        self.children: list[tuple[Any, Any, list[int]]] = []
        self.out_dir = Path()

    @property
    def parallel(self) -> bool:
        """Whether the steps run in forked processes."""
        cores = self.jobs or os.cpu_count() or 1
        large = self.jobs is not None or len(self.site.units) >= PARALLEL_FROM_UNITS
        return bool(self.todo) and cores > 1 and large

    def _prefix(self) -> str:
        return f"{self.out_dir.name}.step-"

    def groups(self) -> list[list[int]]:
        """The steps to run (by number) split over the cores, longest first into the group
        with the least work, by each step's seconds in the last build that ran it."""
        count = min(self.jobs or os.cpu_count() or 1, len(self.todo))
        work = [0.0] * count
        groups: list[list[int]] = [[] for _ in range(count)]
        for number in sorted(range(len(self.todo)), key=lambda n: -self.expected[n]):
            least = work.index(min(work))
            work[least] += self.expected[number]
            groups[least].append(number)
        return [sorted(group) for group in groups if group]

    def start(self, out_dir: Path) -> None:
        """Fork the steps (when they run in parallel); their files go into ``out_dir``."""
        self.out_dir = Path(out_dir)
        self._remove_scratch()  # left by a build that was killed
        if not self.parallel:
            return
        context = multiprocessing.get_context("fork")
        tqdm.set_lock(context.RLock())
        for group in self.groups():
            receive, send = context.Pipe(duplex=False)

            def run(group: list[int] = group) -> list[tuple[Path, float]]:
                return [self._run_here(number) for number in group]

            process = context.Process(target=_child, args=(send, run))
            process.start()
            send.close()
            self.children.append((process, receive, group))

    def _run_here(self, number: int) -> tuple[Path, float]:
        step = self.todo[number]
        line = number + 1 if self.progress else None
        parent, prefix = self.out_dir.parent, self._prefix()
        return _run_one(step, self.ctx, parent, prefix, self.keys[step.name], line)

    def _results(self) -> list[tuple[Path, float]]:
        """Each step's scratch folder and seconds; the first error once all have ended."""
        bar = tqdm(total=len(self.todo), desc="构建步骤", unit="步", disable=not self.progress)
        with bar:
            if not self.children:  # one after another, here
                done = []
                for number in range(len(self.todo)):
                    done.append(self._run_here(number))
                    bar.update()
                return done
            found: dict[int, tuple[Path, float]] = {}
            failed: BaseException | None = None
            for process, receive, group in self.children:
                try:
                    kind, value = receive.recv()
                except EOFError:
                    names = "、".join(self.todo[n].name for n in group)
                    kind, value = "error", RuntimeError(f"构建步骤 {names} 意外退出")
                process.join()
                if kind == "ok":
                    found.update(zip(group, value, strict=True))
                    bar.update(len(group))
                else:
                    failed = failed or value
        if failed is not None:
            raise failed
        return [found[number] for number in range(len(self.todo))]

    def finish(self) -> dict[str, StepRecord]:
        """Wait for the steps (or run them now), move their files in; every step's record."""
        try:
            for step, (scratch, seconds) in zip(self.todo, self._results(), strict=True):
                files = _move_all(scratch, self.out_dir)
                self.records[step.name] = StepRecord(self.keys[step.name], files, seconds)
        finally:
            self.abort()
        return {step.name: self.records[step.name] for step in self.steps}

    def abort(self) -> None:
        """Stop steps still running and remove every scratch folder."""
        for process, receive, _ in self.children:
            if process.is_alive():
                process.kill()
            process.join()
            receive.close()
        self.children.clear()
        self._remove_scratch()

    def _remove_scratch(self) -> None:
        for scratch in self.out_dir.parent.glob(self._prefix() + "*"):
            shutil.rmtree(scratch, ignore_errors=True)


def run_steps(
    steps: Sequence[Step],
    ctx: BuildContext,
    key: str,
    previous: dict[str, StepRecord] | None = None,
    jobs: int | None = None,
) -> dict[str, StepRecord]:
    """Run each step whose inputs changed since ``previous`` into ``ctx.out_dir`` and wait
    for them (see StepRunner); the record of every step."""
    runner = StepRunner(steps, ctx, key, previous, jobs)
    runner.start(ctx.out_dir)
    return runner.finish()
