"""Search benchmark: build the index for N synthetic units and time realistic queries.

Run: ``.venv/bin/python bench/search_bench.py --units 55900 [--engine postgresql] [--http]``.
Prints build (or load) time, size on disk, open time, peak memory, recall of name and address
fragments, and query latency (median and 95th percentile) on a cold searcher, then warm over
``--runs`` runs (median and range), the floor, the generic queries 有限公司 and 广西, and with
``--http`` the same over HTTP with the first queries of a fresh service; the load average. ``--update`` times the build step as a build
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
from typing import Any

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.search_engines import (  # noqa: E402
    engine_option,
    http_floor,
    http_times,
    load,
    loadavg,
    postgres,
    service,
    spread,
    url_option,
)
from generator.content.model import Site, Unit  # noqa: E402
from generator.content.readers import load_site  # noqa: E402
from generator.context import BuildContext  # noqa: E402
from generator.sample import write_sample  # noqa: E402
from generator.search.engine import match, search  # noqa: E402
from generator.search.files import CODES_FILE, HOT_FILE  # noqa: E402
from generator.search.index import write_index  # noqa: E402
from generator.search.postings import LISTS_SUFFIX, TERMS_SUFFIX  # noqa: E402
from generator.search.query import parse  # noqa: E402
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


def timed(index: Any, batch: list[tuple[str, Unit | None]]) -> tuple[list[float], float]:
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


def step_seconds(
    site: Site, keys: dict[str, str], tmp: Path, engine: str = "embedded", url: str = ""
) -> tuple[float, float]:
    """Wall and CPU seconds of the build step, as a build runs it (with the PostgreSQL
    engine, the step also loads its tables: a full load, then updates)."""
    settings = {
        "search_index_dir": str(tmp / "step-index"),
        "cache_dir": str(tmp / "cache"),
        "search_engine": engine,
        "search_database_url": url,
    }
    ctx = BuildContext(site, tmp / "site", settings, unit_keys=keys)
    start, cpu = time.perf_counter(), time.process_time()
    write_index(site, tmp / "site", settings, ctx)
    return time.perf_counter() - start, time.process_time() - cpu


def updates(site: Site, tmp: Path, engine: str = "embedded", url: str = "") -> None:
    """Time the full build step, then updates after one unit changes, is added, is removed."""
    keys = {u.code: u.code for u in site.units}
    print(
        "step, full build: {:.2f} s ({:.2f} s CPU)".format(
            *step_seconds(site, keys, tmp, engine, url)
        )
    )
    units = list(site.units)
    middle = len(units) // 2
    units[middle] = dataclasses.replace(units[middle], name=units[middle].name + "分厂")
    changed = dataclasses.replace(site, units=tuple(units))
    keys[units[middle].code] = "changed"
    print(
        "step, one unit changed: {:.2f} s ({:.2f} s CPU)".format(
            *step_seconds(changed, keys, tmp, engine, url)
        )
    )
    base = units[1]
    added = dataclasses.replace(base, fixed_source_code=base.uscc + "999Q", name="新建测试有限公司")
    grown = dataclasses.replace(changed, units=(*units, added))
    keys[added.code] = "added"
    print(
        "step, one unit added: {:.2f} s ({:.2f} s CPU)".format(
            *step_seconds(grown, keys, tmp, engine, url)
        )
    )
    gone = units.pop(3)
    shrunk = dataclasses.replace(changed, units=(*units, added))
    keys.pop(gone.code)
    print(
        "step, one unit removed: {:.2f} s ({:.2f} s CPU)".format(
            *step_seconds(shrunk, keys, tmp, engine, url)
        )
    )


def _generic(index: Any, runs: int) -> None:
    """The generic queries alone (every document of a kind holds them), each run's times."""
    for text in ("有限公司", "广西"):
        times = [timed(index, [(text, None)] * 20)[0] for _ in range(runs)]
        print(spread(f"  {text}", times))


def _files(folder: Path) -> None:
    for name in (HOT_FILE, CODES_FILE):
        print(f"  {name}: {(folder / name).stat().st_size / 2**20:.1f} MB")
    suffixes = (TERMS_SUFFIX, LISTS_SUFFIX)
    ours = sum(p.stat().st_size for s in suffixes for p in folder.glob(f"*{s}"))
    print(f"  postings ({TERMS_SUFFIX}, {LISTS_SUFFIX}): {ours / 2**20:.1f} MB")


def _over_http(engine: str, folder: Path, url: str, texts: list[str], runs: int) -> None:
    with service(engine, folder, url) as base:
        first = http_times(base, texts[:5] + ["有限公司", "广西"])
        print(
            "HTTP, first queries on a fresh service (ms): " + ", ".join(f"{t:.0f}" for t in first)
        )
        print(spread("HTTP, query set", [http_times(base, texts) for _ in range(runs)]))
        generic = [http_times(base, [t] * 20) for t in ("有限公司", "广西") for _ in range(runs)]
        print(spread("HTTP, 有限公司 and 广西", generic))
        print(
            spread("HTTP floor (empty q, no index read)", [http_floor(base) for _ in range(runs)])
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
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Embedded engine: keep the built index here and reuse it on the next run.",
)
@click.option("--update", is_flag=True, help="Time the build step's updates instead.")
@engine_option
@url_option
@click.option("--runs", default=3, show_default=True, help="Warm runs over the query set.")
@click.option("--http", is_flag=True, help="Also measure over HTTP on a fresh service.")
def main(
    units: int,
    seed: int,
    count: int,
    content: Path | None,
    index_dir: Path | None,
    update: bool,
    engine: str,
    url: str,
    runs: int,
    http: bool,
) -> None:
    """Build a search index of synthetic units (or load the PostgreSQL engine) and time
    queries against it, in process and (``--http``) over HTTP."""
    with tempfile.TemporaryDirectory() as tmp, postgres(engine, url) as pg_url:
        content = content or Path(tmp) / "content"
        folder = index_dir or Path(tmp) / "index"
        start = time.perf_counter()
        if not content.exists():
            write_sample(content, units, seed=seed)
        site = load_site(content)
        print(f"content: {len(site.units)} units in {time.perf_counter() - start:.1f} s")
        if update:
            gc.freeze()  # as a build does after loading: the site is never collected
            updates(site, Path(tmp), engine, pg_url)
            print(loadavg())
            return
        index, _, _, line = load(engine, site, folder, pg_url)
        print(line)
        if engine == "embedded":
            _files(folder)
        batch = queries(site, random.Random(seed), count)
        cold, recall = timed(index, batch)
        print(f"queries: {len(batch)}, recall of expected units {recall:.1%}")
        print(describe("in process, first pass", cold))
        print(spread("in process, warm", [timed(index, batch)[0] for _ in range(runs)]))
        floor = [[_parse_ms(text) for text, _ in batch] for _ in range(runs)]
        print(spread("in process floor (parse only)", floor))
        _generic(index, runs)
        if http:
            if engine == "embedded":
                index.close()
            _over_http(engine, folder, pg_url, [t for t, _ in batch], runs)
        print(loadavg())


def _parse_ms(text: str) -> float:
    start = time.perf_counter()
    parse(text)
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    main()
