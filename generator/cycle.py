"""``yimatong cycle``: the daily run, the service's exports -> build -> publish -> notices.

Each step is the ordinary command in its own process (so the generator never imports the
service, and a crash in one step cannot leave another half-done in memory). The cycle stops
at the first failed step and names it; since the build swaps its output in only when it
succeeded, and publishing uploads only a finished build, the last good site stays live. A
lock file held by the kernel (released if the process dies) keeps two cycles from running at
once. The running service picks a new build up by itself (docs/deploy.md, "The daily cycle").
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import click

from generator import clock, settings

#: Exit status when another cycle holds the lock (EX_TEMPFAIL: try again later).
LOCKED = 75
#: Exit status when a step failed.
FAILED = 1
LOCK_FILE = "cycle.lock"
STATUS_FILE = "cycle-status.json"


@dataclass(frozen=True)
class Step:
    """One step: its name, the ``yimatong`` arguments, extra environment."""

    name: str
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class StepResult:
    """How a step ended."""

    name: str
    exit_code: int
    seconds: float


#: The service's public exports the build reads: step name, setting, default file name (in the
#: cache folder), the ``yimatong`` command that writes it (``--out FILE`` is added).
EXPORTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("stats", "stats_file", "report-stats.json", ("feedback", "stats")),
    ("ledger", "ledger_file", "ledger.json", ("feedback", "ledger", "export")),
    ("draws", "draws_file", "draws.json", ("feedback", "draws", "export")),
)


def export_path(values: dict[str, Any], setting: str, default: str) -> Path:
    """Where an export goes: its setting, else the default name beside the build's caches."""
    return Path(values[setting] or Path(values["cache_dir"]) / default)


def steps(values: dict[str, Any]) -> list[Step]:
    """The cycle's steps for these settings: the service's exports (each written beside its
    file and moved into place when complete), the build that reads them, publishing only
    when a bucket is set, then the followers' notices."""
    found, env = [], {}
    for name, setting, default, command in EXPORTS:
        path = export_path(values, setting, default)
        found.append(Step(name, (*command, "--out", str(path.with_name(path.name + ".new")))))
        env[f"YIMATONG_{setting.upper()}"] = str(path)
    found.append(Step("build", ("build",), env))
    if values["publish_bucket"]:
        args = ["publish", "--bucket", values["publish_bucket"], "--delete"]
        if values["publish_prefix"]:
            args += ["--prefix", values["publish_prefix"]]
        if values["publish_endpoint_url"]:
            args += ["--endpoint-url", values["publish_endpoint_url"]]
        found.append(Step("publish", tuple(args)))
    # Last: followers hear of what the new build published (docs/feedback.md).
    found.append(Step("notify", ("feedback", "follow", "notify")))
    return found


def run_step(step: Step, out: TextIO | None = None) -> StepResult:
    """Run ``yimatong <args>`` in a process of its own; its output goes where ours goes."""
    command = [sys.executable, "-m", "generator.cli", *step.args]
    started = time.monotonic()
    done = subprocess.run(command, env={**os.environ, **step.env}, stdout=out, stderr=out)
    return StepResult(step.name, done.returncode, round(time.monotonic() - started, 3))


@contextmanager
def cycle_lock(path: Path) -> Iterator[bool]:
    """Whether this process got the lock; held until the block ends or the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_status(path: Path, status: dict[str, Any]) -> None:
    """The last cycle's outcome, replaced atomically (for monitoring)."""
    fresh = path.with_name(path.name + ".new")
    fresh.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(fresh, path)


def run_cycle(values: dict[str, Any]) -> dict[str, Any]:
    """Run every step until one fails; the outcome as written to the status file."""
    status: dict[str, Any] = {"started": clock.now().isoformat(), "steps": []}
    failed = None
    for step in steps(values):
        click.echo(f"cycle：开始 {step.name}（yimatong {' '.join(step.args)}）")
        result = run_step(step)
        status["steps"].append(asdict(result))
        if result.exit_code != 0:
            failed = result
            break
        for name, setting, default, _ in EXPORTS:
            if step.name == name:  # complete: the build may read it now
                done = export_path(values, setting, default)
                os.replace(done.with_name(done.name + ".new"), done)
    status.update(finished=clock.now().isoformat(), ok=failed is None)
    status["failed_step"] = failed.name if failed else None
    return status


@click.command("cycle")
def cycle_command() -> None:
    """The daily cycle: the service's exports (statistics, ledger, draws), build, publish if a
    bucket is set, then the followers' notices (docs/deploy.md)."""
    values = settings.resolve()
    cache = Path(values["cache_dir"])
    with cycle_lock(cache / LOCK_FILE) as got:
        if not got:
            click.echo(
                f"另一个 yimatong cycle 正在运行（锁文件 {cache / LOCK_FILE}），本次不运行。",
                err=True,
            )
            sys.exit(LOCKED)
        status = run_cycle(values)
        write_status(cache / STATUS_FILE, status)
    if not status["ok"]:
        step = status["steps"][-1]
        click.echo(
            f"cycle 失败：步骤 {step['name']} 退出码 {step['exit_code']}，后面的步骤没有运行；"
            "网站仍是上一次成功构建和发布的版本。",
            err=True,
        )
        sys.exit(FAILED)
    click.echo(f"cycle 完成：{'、'.join(s['name'] for s in status['steps'])}。")
