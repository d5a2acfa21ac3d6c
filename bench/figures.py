"""Honest figures for the benchmarks: each measurement in a process of its own, run several
times, reported as median and spread with wall and CPU time and the load average around it.

``run`` starts a command and takes what the kernel says it cost (``os.wait4``): wall time,
user and system CPU of the whole tree of processes it waited for, and the largest peak
resident memory among them; the load average is read just before and just after.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def run(command: Sequence[str], cwd: Path, env: dict[str, str], log: Path) -> dict:
    """Run ``command`` and return its output and costs; raises when it fails."""
    before = os.getloadavg()[0]
    started = time.monotonic()
    with log.open("ab") as err:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        out = proc.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed ({proc.returncode}), see {log}:\n{out[-2000:]}")
    return {
        "stdout": out,
        "process_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "system_seconds": usage.ru_stime,
        "peak_tree_mb": round(usage.ru_maxrss / 1024),
        "load_before": before,
        "load_after": os.getloadavg()[0],
    }


def summary(values: Sequence[float]) -> dict:
    """Median, smallest and largest of ``values``, and the spread as a share of the median."""
    med = statistics.median(values)
    return {
        "median": med,
        "min": min(values),
        "max": max(values),
        "spread": (max(values) - min(values)) / med if med else 0.0,
        "runs": len(values),
    }


def line(name: str, runs: list[dict], key: str = "process_seconds") -> str:
    """One printed line: median and range of ``key``, CPU, files, memory, load around it."""
    s = summary([r[key] for r in runs])
    cpu = summary([r["cpu_seconds"] for r in runs])
    loads = [r["load_before"] for r in runs] + [r["load_after"] for r in runs]
    files = runs[0].get("rendered", 0)
    return (
        f"{name:12} {s['median']:8.2f} s  ({s['min']:.2f}–{s['max']:.2f}, ±{s['spread'] / 2:.0%},"
        f" {s['runs']} runs)  CPU {cpu['median']:.2f} s  {files:>8} files  "
        f"peak {max(r['peak_tree_mb'] for r in runs)} MB  load {min(loads):.1f}–{max(loads):.1f}"
    )


def inodes(*roots: Path) -> dict:
    """Files (names) and distinct inodes under ``roots``, folders included (hard links count
    once)."""
    names, seen = 0, set()
    for root in roots:
        for folder, _, files in os.walk(root):
            st = os.lstat(folder)
            seen.add((st.st_dev, st.st_ino))
            for name in files:
                st = os.lstat(os.path.join(folder, name))
                names += 1
                seen.add((st.st_dev, st.st_ino))
    return {"names": names, "inodes": len(seen)}
