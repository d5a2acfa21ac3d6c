"""Build benchmark: cold, warm full, unchanged and one-unit builds beside a plain-Jinja floor.

    .venv/bin/python bench/build_bench.py                 # 5,000 and 55,900 units
    .venv/bin/python bench/build_bench.py --units 5000    # one size

Content comes from `yimatong sample` when it exists, else fixture units cloned with new codes.
Each measurement runs in its own process so peak memory (parent and largest worker) is honest.
The one-unit build is measured twice: with every step, and with the search index step left
out; then a day's update (0.5% of the units changed, the as-of date a day later). Besides
each build's own seconds, the wall time of its whole process (Python start and
imports included, as when `yimatong build` is run) is printed. The floor's time excludes
loading the content; the build's includes everything.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT / "tests" / "fixtures" / "content"
BASE_URL = "https://ymt.example.cn"


def make_content(units: int, folder: Path) -> None:
    """Write ``units`` synthetic units into ``folder``."""
    command = Path(sys.executable).parent / "yimatong"
    sample = subprocess.run(
        [str(command), "sample", "--units", str(units), "--seed", "1", "--out", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if sample.returncode == 0 and (folder / "units").is_dir():
        print(f"content: yimatong sample --units {units}")
        return
    print(f"content: {units} fixture units cloned (yimatong sample not available)")
    shutil.rmtree(folder, ignore_errors=True)
    clone_fixture(units, folder)


def clone_fixture(units: int, folder: Path) -> None:
    """Fallback: the fixture units cloned with fresh valid codes, as one JSON Lines file."""
    import yaml

    from generator.content.codes import make_uscc

    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("units"))
    (folder / "units").mkdir()
    templates = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((FIXTURE / "units").glob("*.yaml"))
    ]
    with (folder / "units" / "bulk.jsonl").open("w", encoding="utf-8") as out:
        for n in range(units):
            record = json.loads(json.dumps(templates[n % len(templates)], default=str))
            uscc = make_uscc(f"91{record['county']}{n:09d}")
            code = uscc + record["fixed_source_code"][18:]
            record.update(fixed_source_code=code, uscc=uscc, name=f"{record['name']}{n}")
            if record.get("permit"):
                record["permit"]["number"] = code
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def touch_one_unit(folder: Path) -> None:
    """Change the name of one unit (the first record found; again on each call)."""
    for path in sorted((folder / "units").iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            first, _, rest = text.partition("\n")
            record = json.loads(first)
            record["name"] += "（更名）"
            path.write_text(json.dumps(record, ensure_ascii=False) + "\n" + rest, encoding="utf-8")
        else:
            path.write_text(text.replace("\nname: ", "\nname: 更名", 1), encoding="utf-8")
        return


#: Share of the units a "day's update" changes (the "daily" measurement).
DAILY_SHARE = 0.005


def touch_daily(folder: Path) -> int:
    """A day's update: rename every 200th unit and move its permit data-as-of date a day past
    the site's as-of date (so the site's as-of date moves on too); returns how many."""
    import datetime as dt

    path = next(p for p in sorted((folder / "units").iterdir()) if p.suffix == ".jsonl")
    lines = path.read_text(encoding="utf-8").split("\n")
    records = {n: json.loads(line) for n, line in enumerate(lines) if line.strip()}
    newest = max(
        dt.date.fromisoformat(d) for r in records.values() for d in r["data_as_of"].values() if d
    )
    chosen = list(records)[:: round(1 / DAILY_SHARE)]
    for n in chosen:
        record = records[n]
        record["name"] += "（更名）"
        record["data_as_of"]["permit"] = (newest + dt.timedelta(days=1)).isoformat()
        lines[n] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines), encoding="utf-8")
    return len(chosen)


#: The step left out by the "incremental-noindex" measurement.
INDEX_STEP = "generator.search.index:write_index"


def measure_build(
    content: Path, out: Path, cache: Path, full: bool, exclude: tuple[str, ...] = ()
) -> dict:
    """One build in this process; seconds, counts and peak memory."""
    from generator.build.run import build

    started = time.monotonic()
    result = build(
        content,
        out,
        BASE_URL,
        full=full,
        progress=True,
        overrides={
            "cache_dir": str(cache),
            "stats_file": "",
            "search_index_dir": str(out.parent / "search-index"),
        },
        run_steps=os.environ.get("BENCH_NO_STEPS") != "1",
        detach_cleanup=True,
        exclude_steps=exclude,
    )
    seconds = time.monotonic() - started
    return {
        "seconds": seconds,
        "total": result.total,
        "rendered": result.rendered,
        "full": result.full,
        "phases": result.phases,
        **_peaks(),
    }


def measure_floor(content: Path, out: Path, cache: Path) -> dict:
    """The floor: every unit's and outlet's files by plain code (see bench/jinja_floor.py)."""
    from bench.jinja_floor import render_floor

    if out.exists():
        shutil.rmtree(out)
    files, load, seconds = render_floor(content, out, cache)
    return {"seconds": seconds, "load_seconds": load, "rendered": files, **_peaks()}


def _peaks() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_parent_mb": round(own), "peak_worker_mb": round(child)}


def run_one(kind: str, work: Path) -> dict:
    """Run one measurement in a fresh process and return its figures."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from bench import build_bench "
        f"as b; from pathlib import Path; w = Path({str(work)!r}); "
        f"print('RESULT' + json.dumps(b._measure({kind!r}, w)))"
    )
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True
    )
    wall = time.monotonic() - started
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT"))
    figures = {**json.loads(line[6:]), "process_seconds": wall}
    figures["cleanup_seconds"] = wait_for_cleanup(work)
    return figures


def wait_for_cleanup(work: Path) -> float:
    """Wait until the replaced sites a full build deletes in the background are gone, so the
    next measurement does not share the disk and a core with that deletion; the seconds."""
    started = time.monotonic()
    while any(work.glob(".site.old-*")):
        time.sleep(0.5)
    return time.monotonic() - started


def _measure(kind: str, work: Path) -> dict:
    content, out, cache = work / "content", work / "site", work / "cache"
    if kind == "floor":
        return measure_floor(content, work / "floor", cache)
    exclude = (INDEX_STEP,) if kind == "incremental-noindex" else ()
    return measure_build(content, out, cache, full=kind in ("cold", "warm"), exclude=exclude)


def bench(units: int, work: Path, skip_cold: bool = False) -> dict:
    """All measurements for one size."""
    figures = {}
    if not skip_cold:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        make_content(units, work / "content")
        figures["cold"] = run_one("cold", work)
    figures["warm"] = run_one("warm", work)
    figures["unchanged"] = run_one("unchanged", work)
    touch_one_unit(work / "content")
    figures["incremental"] = run_one("incremental", work)
    touch_one_unit(work / "content")
    figures["incremental-noindex"] = run_one("incremental-noindex", work)
    changed = touch_daily(work / "content")
    figures["daily"] = {**run_one("incremental", work), "units_changed": changed}
    figures["floor"] = run_one("floor", work)
    return figures


def report(units: int, figures: dict) -> None:
    """Print the table for one size."""
    print(f"\n== {units:,} units, {os.cpu_count()} cores ==")
    for name, f in figures.items():
        rate = f["rendered"] / f["seconds"] if f["seconds"] else 0
        print(
            f"{name:20} {f['seconds']:8.1f} s  {f['rendered']:>8} files  {rate:8.0f} files/s  "
            f"peak parent {f['peak_parent_mb']} MB, largest worker {f['peak_worker_mb']} MB"
        )
        extra = [f"whole process {f['process_seconds']:.1f} s (Python start and imports too)"]
        if f.get("cleanup_seconds", 0) > 0.5:
            extra.append(f"old site deleted in the background in {f['cleanup_seconds']:.0f} s")
        if "units_changed" in f:
            extra.append(f"{f['units_changed']} units changed, as-of date a day later")
        if "load_seconds" in f:
            extra.append(f"loading the content {f['load_seconds']:.1f} s (not in the floor)")
        print(" " * 21 + "; ".join(extra))
        if f.get("phases"):
            print(" " * 21 + ", ".join(f"{k} {v:.1f} s" for k, v in f["phases"].items()))
    ratio = figures["warm"]["seconds"] / figures["floor"]["seconds"]
    print(f"warm full build / plain floor (same unit and outlet files): {ratio:.2f}x")


def main() -> None:
    """Run the benchmark for the sizes asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="*", default=[5000, 55900])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument(
        "--no-steps",
        action="store_true",
        help="leave out the build steps (open data, feeds…): pages alone",
    )
    parser.add_argument(
        "--skip-cold", action="store_true", help="reuse the content and QR cache already in --work"
    )
    args = parser.parse_args()
    if args.no_steps:
        os.environ["BENCH_NO_STEPS"] = "1"
    for units in args.units:
        figures = bench(units, args.work / str(units), args.skip_cold)
        report(units, figures)
        (args.work / f"results-{units}.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
