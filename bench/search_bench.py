"""Search benchmark: build the index for N synthetic units and time realistic queries.

Run: ``.venv/bin/python bench/search_bench.py --units 55900``. Prints build time, index
size, open time, recall of name and address fragments, and query latency (median and 95th
percentile) on a cold searcher and again warm. ``--update`` times the build step as a build
runs it instead (unit keys and a cache): the first, full build, then updates after one unit
changes, one is added and one removed. Figures go to docs/search.md.
"""

from __future__ import annotations

import dataclasses
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.content.model import Site, Unit  # noqa: E402
from generator.content.readers import load_site  # noqa: E402
from generator.context import BuildContext  # noqa: E402
from generator.sample import write_sample  # noqa: E402
from generator.search.engine import match, search  # noqa: E402
from generator.search.files import CODES_FILE, HOT_FILE  # noqa: E402
from generator.search.index import build_index, write_index  # noqa: E402
from generator.search.postings import LISTS_SUFFIX, TERMS_SUFFIX  # noqa: E402
from generator.search.query import parse  # noqa: E402
from generator.search.reader import SearchIndex  # noqa: E402
from generator.search.text import runs  # noqa: E402

GENERIC = [
    "有限公司",
    "广西",
    "科技",
    "南宁",
    "水泥",
    "化工",
    "污水处理",
    "猪场",
    "超标排放",
    "废水",
    "化学需氧量",
    "DA001",
    "DW001",
    "股份",
    "柳州",
    "工业园区",
    "南宁 水泥",
    "柳州 化工",
    "糖",
    "厂",
    "9145",
    "91450102",
]


def fragment(text: str, rng: random.Random) -> str:
    """A random 2–4 character piece of one run of ``text``."""
    pieces = [r for r in runs(text) if len(r) >= 2]
    run = rng.choice(pieces)
    size = rng.randint(2, min(4, len(run)))
    start = rng.randint(0, len(run) - size)
    return run[start : start + size]


def queries(site: Site, rng: random.Random, count: int) -> list[tuple[str, Unit | None]]:
    """A realistic mix: name and address fragments, codes, generic words."""
    units = site.units
    out: list[tuple[str, Unit | None]] = []
    for _ in range(count * 4 // 10):
        unit = rng.choice(units)
        out.append((fragment(unit.name, rng), unit))
    for _ in range(count * 15 // 100):
        unit = rng.choice(units)
        out.append((fragment(unit.address, rng), unit))
    for i in range(count * 15 // 100):
        unit = rng.choice(units)
        code = [unit.code, unit.uscc, unit.code[: rng.randint(10, 16)]][i % 3]
        out.append((code, unit))
    out += [(rng.choice(GENERIC), None) for _ in range(count - len(out))]
    rng.shuffle(out)
    return out


def timed(index: SearchIndex, batch: list[tuple[str, Unit | None]]) -> tuple[list[float], float]:
    """Latency of each query in milliseconds, and recall of the expected units."""
    times, found, expected = [], 0, 0
    for text, unit in batch:
        start = time.perf_counter()
        query = parse(text)
        search(index, query, {}, 1)
        times.append((time.perf_counter() - start) * 1000)
        if unit is not None:
            expected += 1
            found += bool(match(index, query)[0] & index.code(unit.code))
    return times, found / max(expected, 1)


def describe(label: str, times: list[float]) -> str:
    """Median and 95th percentile of ``times``."""
    p95 = statistics.quantiles(times, n=20)[18]
    return f"{label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms"


def step_seconds(site: Site, keys: dict[str, str], tmp: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the build step, as a build runs it."""
    settings = {
        "search_index_dir": str(tmp / "step-index"),
        "cache_dir": str(tmp / "cache"),
    }
    ctx = BuildContext(site, tmp / "site", settings, unit_keys=keys)
    start, cpu = time.perf_counter(), time.process_time()
    write_index(site, tmp / "site", settings, ctx)
    return time.perf_counter() - start, time.process_time() - cpu


def updates(site: Site, tmp: Path) -> None:
    """Time the full build step, then updates after one unit changes, is added, is removed."""
    keys = {u.code: u.code for u in site.units}
    print("step, full build: {:.2f} s ({:.2f} s CPU)".format(*step_seconds(site, keys, tmp)))
    units = list(site.units)
    middle = len(units) // 2
    units[middle] = dataclasses.replace(units[middle], name=units[middle].name + "分厂")
    changed = dataclasses.replace(site, units=tuple(units))
    keys[units[middle].code] = "changed"
    print(
        "step, one unit changed: {:.2f} s ({:.2f} s CPU)".format(*step_seconds(changed, keys, tmp))
    )
    base = units[1]
    added = dataclasses.replace(base, fixed_source_code=base.uscc + "999Q", name="新建测试有限公司")
    grown = dataclasses.replace(changed, units=(*units, added))
    keys[added.code] = "added"
    print("step, one unit added: {:.2f} s ({:.2f} s CPU)".format(*step_seconds(grown, keys, tmp)))
    gone = units.pop(3)
    shrunk = dataclasses.replace(changed, units=(*units, added))
    keys.pop(gone.code)
    print(
        "step, one unit removed: {:.2f} s ({:.2f} s CPU)".format(*step_seconds(shrunk, keys, tmp))
    )


@click.command()
@click.option("--units", default=55900, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--queries", "count", default=400, show_default=True)
@click.option(
    "--content",
    type=click.Path(path_type=Path),
    default=None,
    help="Keep the generated content here and reuse it on the next run.",
)
@click.option("--update", is_flag=True, help="Time the build step's updates instead.")
def main(units: int, seed: int, count: int, content: Path | None, update: bool) -> None:
    """Build a search index of synthetic units and time queries against it."""
    with tempfile.TemporaryDirectory() as tmp:
        content = content or Path(tmp) / "content"
        folder = Path(tmp) / "index"
        start = time.perf_counter()
        if not content.exists():
            write_sample(content, units, seed=seed)
        site = load_site(content)
        print(f"content: {len(site.units)} units in {time.perf_counter() - start:.1f} s")
        if update:
            gc.freeze()  # as a build does after loading: the site is never collected
            updates(site, Path(tmp))
            return
        start, cpu = time.perf_counter(), time.process_time()
        build_index(site, folder)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        print(
            f"build: {time.perf_counter() - start:.1f} s ({time.process_time() - cpu:.1f} s CPU),"
            f" index {size:.1f} MB"
        )
        for name in (HOT_FILE, CODES_FILE):
            print(f"  {name}: {(folder / name).stat().st_size / 2**20:.1f} MB")
        suffixes = (TERMS_SUFFIX, LISTS_SUFFIX)
        ours = sum(p.stat().st_size for s in suffixes for p in folder.glob(f"*{s}"))
        print(f"  postings ({TERMS_SUFFIX}, {LISTS_SUFFIX}): {ours / 2**20:.1f} MB")
        start = time.perf_counter()
        index = SearchIndex(folder)
        print(f"open: {time.perf_counter() - start:.2f} s, {index.size} documents")
        batch = queries(site, random.Random(seed), count)
        cold, recall = timed(index, batch)
        warm, _ = timed(index, batch)
        print(f"queries: {len(batch)}, recall of expected units {recall:.1%}")
        print(describe("cold", cold))
        print(describe("warm", warm))


if __name__ == "__main__":
    main()
