"""Honest figures for the benchmarks: each measurement in a process of its own, run several
times, reported as median and spread with wall and CPU time and the load average around it.

``run`` starts a command and takes what the kernel says it cost (``os.wait4``): wall time,
user and system CPU of the whole tree of processes it waited for, and the largest peak
resident memory among them; the load average is read just before and just after. Beside it
``TreeMemory`` samples the memory of the whole tree (the sum over every live process of its
proportional set size, so pages a forked renderer shares with its parent count once) and
keeps the peak.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

#: Seconds between two samples of the tree's memory.
SAMPLE_EVERY = 0.2


def _children() -> dict[int, list[int]]:
    """Every process's children, by parent id (from /proc)."""
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        found.setdefault(int(fields[1]), []).append(int(entry))
    return found


def _kilobytes(pid: int) -> int:
    """The proportional set size of ``pid`` in kB (its resident size where the kernel has no
    smaps_rollup); 0 when it is gone."""
    for name, key in (("smaps_rollup", b"Pss:"), ("status", b"VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as file:
                for row in file:
                    if row.startswith(key):
                        return int(row.split()[1])
        except OSError:
            continue
    return 0


def tree_kilobytes(root: int) -> int:
    """The memory of ``root`` and every process below it, summed (kB)."""
    children, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _kilobytes(pid)
        todo += children.get(pid, [])
    return total


class TreeMemory:
    """Samples the memory of a process tree in a thread until stopped; ``peak_mb``."""

    def __init__(self, root: int) -> None:
        self.root, self.peak, self._stop = root, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_kilobytes(self.root))
            self._stop.wait(SAMPLE_EVERY)

    def stop(self) -> int:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return round(self.peak / 1024)


def run(command: Sequence[str], cwd: Path, env: dict[str, str], log: Path) -> dict:
    """Run ``command`` and return its output and costs; raises when it fails."""
    before = os.getloadavg()[0]
    started = time.monotonic()
    with log.open("ab") as err:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err)
        memory = TreeMemory(proc.pid)
        assert proc.stdout is not None
        out = proc.stdout.read().decode("utf-8", "replace")
        # Sampled until the tree has ended (the zombie keeps its id until wait4).
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        tree_mb = memory.stop()
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
        #: The peak of the whole tree's memory, summed over its processes (TreeMemory).
        "peak_tree_sum_mb": tree_mb,
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
        f"peak {max(r['peak_tree_mb'] for r in runs)} MB (largest process), "
        f"{max(r.get('peak_tree_sum_mb', 0) for r in runs)} MB (tree, summed)  "
        f"load {min(loads):.1f}–{max(loads):.1f}"
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
