"""Nearby-units benchmark: what the build's nearby lists cost at province scale.

    .venv/bin/python bench/nearby_bench.py                          # 55,900 sample units
    .venv/bin/python bench/nearby_bench.py --units 5000 --repeat 5
    .venv/bin/python bench/nearby_bench.py --content content        # any content folder

Content comes from `yimatong sample` (its units lie around the cities of Guangxi, as
clustered as real ones) unless --content names a folder. Measured in this process, after the
content is loaded: the grid (`NearbyGrid`), the nearby list of every unit (`nearby_keys`, what
the build's unit keys hold), and one unit page's list (`near`, what rendering a page asks);
beside them the floor, one pass over the units making the text of their names and codes.
Each is repeated; median, range and the load average before and after are printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import figures  # noqa: E402
from generator.content.readers import load_site  # noqa: E402
from generator.pages.nearby import NearbyGrid, nearby_keys  # noqa: E402
from generator.settings import declared  # noqa: E402


def sample(units: int, folder: Path) -> Path:
    """``units`` sample units written into ``folder`` by ``yimatong sample``."""
    command = Path(sys.executable).parent / "yimatong"
    subprocess.run(
        [str(command), "sample", "--units", str(units), "--seed", "1", "--out", str(folder)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return folder


def timed(name: str, job: Callable[[], object], repeat: int) -> str:
    """One printed line: median and range of ``repeat`` runs of ``job`` and the load."""
    seconds, loads = [], []
    for _ in range(repeat):
        loads.append(os.getloadavg()[0])
        started = time.perf_counter()
        job()
        seconds.append(time.perf_counter() - started)
        loads.append(os.getloadavg()[0])
    s = figures.summary(seconds)
    return (
        f"{name:22} {s['median'] * 1000:9.1f} ms  ({s['min'] * 1000:.1f}–{s['max'] * 1000:.1f},"
        f" ±{s['spread'] / 2:.0%}, {s['runs']} runs)  load {min(loads):.1f}–{max(loads):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=55_900)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--content", type=Path, help="content folder (default: a new sample)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nearby-bench-") as tmp:
        content = args.content or sample(args.units, Path(tmp) / "content")
        site = load_site(content)
    conf = {n: declared(n).default for n in ("nearby_radius_m", "nearby_count")}
    placed = [u for u in site.units if u.coordinates is not None]
    grid = NearbyGrid(site.units, conf["nearby_radius_m"], conf["nearby_count"])
    listed = [len(grid.near(u) or ()) for u in placed[:1000]]
    print(
        f"{len(site.units)} units, {len(placed)} with coordinates; radius "
        f"{conf['nearby_radius_m']} m, at most {conf['nearby_count']} listed "
        f"(first 1,000: {sum(listed) / max(len(listed), 1):.1f} on average)"
    )
    one = placed[len(placed) // 2] if placed else site.units[0]
    print(
        timed(
            "floor (names, codes)", lambda: [f"{u.code},{u.name}" for u in site.units], args.repeat
        )
    )
    print(timed("grid", lambda: NearbyGrid(site.units, *conf.values()), args.repeat))
    print(timed("every unit's list", lambda: nearby_keys(site, conf), args.repeat))
    print(timed("one page's list", lambda: grid.near(one), args.repeat))


if __name__ == "__main__":
    main()
