"""Build benchmark: cold, warm full, unchanged, one-unit and daily builds beside a plain-Jinja
floor, each repeated, with median, spread, CPU time and the load average around it.

    .venv/bin/python bench/build_bench.py                       # 5,000 and 55,900 units
    .venv/bin/python bench/build_bench.py --units 5000 --repeat 5
    .venv/bin/python bench/build_bench.py --units 55900 --skip-cold --only unchanged one
    .venv/bin/python bench/build_bench.py --units 20000 --skip-cold --only warm sharded

Content comes from `yimatong sample` when it exists, else fixture units cloned with new codes.
Every build is the real command, `yimatong build`, in a process of its own (Python start and
imports included); wall time, CPU time of the whole process tree and its largest peak memory
come from the kernel, the peak memory of the whole tree (summed over its processes) from
sampling /proc (bench/figures.py). "sharded" is the full build as ``--shards`` shards by
city, one process after another, then ``--merge``. The warm full build and the floor run as pairs back
to back, and each pair gives its own ratio. The floor's time excludes loading the content.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import figures  # noqa: E402

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


#: The measurements, in the order they run (see ``bench``).
KINDS = ("cold", "warm", "floor", "sharded", "unchanged", "one", "daily")

#: What ``yimatong build`` prints at its end.
RESULT = re.compile(r"共 (\d+) 个文件，生成 (\d+) 个，删除 (\d+) 个，用时 ([\d.]+) 秒")
PHASES = re.compile(r"各阶段用时（秒）：(.*)")


def build_env(work: Path) -> dict[str, str]:
    """The environment of a benchmark build: caches and index in ``work``."""
    return {
        **os.environ,
        "YIMATONG_CACHE_DIR": str(work / "cache"),
        "YIMATONG_SEARCH_INDEX_DIR": str(work / "search-index"),
        "YIMATONG_STATS_FILE": "",
    }


def run_build(work: Path, full: bool) -> dict:
    """``yimatong build`` in a process of its own; its figures and what it printed."""
    command = [str(Path(sys.executable).parent / "yimatong"), "build"]
    command += ["--content", str(work / "content"), "--out", str(work / "site")]
    command += ["--base-url", BASE_URL, *(["--full"] if full else [])]
    done = figures.run(command, ROOT, build_env(work), work / "build.log")
    found = RESULT.search(done["stdout"])
    if found is None:
        raise RuntimeError(f"unexpected output of yimatong build:\n{done['stdout']}")
    total, rendered, removed, seconds = found.groups()
    phases = PHASES.search(done["stdout"])
    return {
        **done,
        "total": int(total),
        "rendered": int(rendered),
        "removed": int(removed),
        "seconds": float(seconds),
        "full": "全量" in done["stdout"],
        "phases": phases.group(1) if phases else "fingerprint",
        "cleanup_seconds": wait_for_cleanup(work),
    }


def run_floor(work: Path) -> dict:
    """The floor (bench/jinja_floor.py) in a process of its own."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from bench.jinja_floor import "
        f"render_floor; from pathlib import Path; import shutil; w = Path({str(work)!r}); "
        "shutil.rmtree(w / 'floor', ignore_errors=True); "
        "f, load, s = render_floor(w / 'content', w / 'floor', w / 'cache'); "
        "print('RESULT' + json.dumps([f, load, s]))"
    )
    done = figures.run([sys.executable, "-c", code], ROOT, dict(os.environ), work / "build.log")
    line = next(x for x in done["stdout"].splitlines() if x.startswith("RESULT"))
    files, load, seconds = json.loads(line[6:])
    shutil.rmtree(work / "floor", ignore_errors=True)
    return {**done, "rendered": files, "load_seconds": load, "seconds": seconds}


def unit_cities(content: Path) -> dict[str, int]:
    """How many units each city (prefecture) of the content has, from the JSON Lines files."""
    counts: dict[str, int] = {}
    for path in sorted((content / "units").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                city = str(json.loads(line)["county"])[:4] + "00"
                counts[city] = counts.get(city, 0) + 1
    return counts


def city_groups(counts: dict[str, int], shards: int) -> list[list[str]]:
    """The cities shared out into ``shards`` groups of about the same number of units (the
    largest city first, each to the smallest group so far)."""
    groups: list[list[str]] = [[] for _ in range(min(shards, len(counts)))]
    sizes = [0] * len(groups)
    for city in sorted(counts, key=lambda c: (-counts[c], c)):
        smallest = sizes.index(min(sizes))
        groups[smallest].append(city)
        sizes[smallest] += counts[city]
    return [sorted(g) for g in groups]


def run_sharded(work: Path, shards: int) -> dict:
    """A full build as ``shards`` shards, one process after another, then the merge into the
    site: the time and CPU of all of them summed, the memory of the largest (they run one at a
    time, so that is the peak of the whole)."""
    yimatong = str(Path(sys.executable).parent / "yimatong")
    common = ["--content", str(work / "content"), "--base-url", BASE_URL]
    runs, folders = [], []
    for number, cities in enumerate(city_groups(unit_cities(work / "content"), shards)):
        folder = work / "shards" / str(number)
        folders.append(str(folder))
        command = [yimatong, "build", *common, "--shard", ",".join(cities), "--out", str(folder)]
        runs.append(figures.run(command, ROOT, build_env(work), work / "build.log"))
    command = [yimatong, "build", *common, "--out", str(work / "site"), "--merge", *folders]
    merge = figures.run(command, ROOT, build_env(work), work / "build.log")
    found = RESULT.search(merge["stdout"])
    shutil.rmtree(work / "shards", ignore_errors=True)
    every = [*runs, merge]
    return {
        **{k: sum(r[k] for r in every) for k in ("process_seconds", "cpu_seconds")},
        **{k: max(r[k] for r in every) for k in ("peak_tree_mb", "peak_tree_sum_mb")},
        "system_seconds": sum(r["system_seconds"] for r in every),
        "load_before": every[0]["load_before"],
        "load_after": every[-1]["load_after"],
        "rendered": int(found.group(1)) if found else 0,
        "shards": [round(r["process_seconds"], 2) for r in runs],
        "shard_peaks_mb": [r["peak_tree_sum_mb"] for r in runs],
        "merge_seconds": round(merge["process_seconds"], 2),
        "merge_peak_mb": merge["peak_tree_sum_mb"],
        "phases": f"{len(runs)} shards, then the merge",
        "cleanup_seconds": wait_for_cleanup(work),
    }


def wait_for_cleanup(work: Path) -> float:
    """Wait until the replaced sites a build deletes in the background are gone, so the next
    measurement does not share the disk and a core with that deletion; the seconds."""
    started = time.monotonic()
    while any(work.glob(".site.old-*")):
        time.sleep(0.5)
    return time.monotonic() - started


def bench(
    units: int, work: Path, repeat: int, only: tuple[str, ...], skip_cold: bool, shards: int = 4
) -> dict:
    """All measurements asked for one size, each ``repeat`` times (the cold build once)."""
    found: dict[str, list[dict]] = {}
    if not skip_cold:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        make_content(units, work / "content")
        found["cold"] = [run_build(work, full=True)]
    for _ in range(repeat if "warm" in only else 0):  # pairs back to back
        found.setdefault("warm", []).append(run_build(work, full=True))
        found.setdefault("floor", []).append(run_floor(work))
    if "warm" in found:
        site, cache = figures.inodes(work / "site"), figures.inodes(work / "cache")
        both = figures.inodes(work / "site", work / "cache")["inodes"]
        found["inodes"] = [{**site, "cache_inodes": cache["inodes"], "together": both}]
    for _ in range(repeat if "sharded" in only else 0):
        found.setdefault("sharded", []).append(run_sharded(work, shards))
    for _ in range(repeat if "unchanged" in only else 0):
        found.setdefault("unchanged", []).append(run_build(work, full=False))
    for _ in range(repeat if "one" in only else 0):
        touch_one_unit(work / "content")
        found.setdefault("one", []).append(run_build(work, full=False))
    for _ in range(repeat if "daily" in only else 0):
        changed = touch_daily(work / "content")
        found.setdefault("daily", []).append({**run_build(work, full=False), "changed": changed})
    return found


def report(units: int, found: dict) -> None:
    """Print the figures of one size."""
    print(f"\n== {units:,} units, {os.cpu_count()} cores ==  (whole process: median, range)")
    for name in KINDS:
        if name in found:
            print(figures.line(name, found[name]))
            first = found[name][0]
            if first.get("phases"):
                print(" " * 13 + f"phases of the first run: {first['phases']}")
            if name == "sharded":
                print(
                    " " * 13 + f"first run: shards {first['shards']} s, peaks "
                    f"{first['shard_peaks_mb']} MB; merge {first['merge_seconds']} s, peak "
                    f"{first['merge_peak_mb']} MB (tree, summed)"
                )
    if "warm" in found:
        pairs = [
            w["seconds"] / f["seconds"] for w, f in zip(found["warm"], found["floor"], strict=True)
        ]
        cpu = [
            w["cpu_seconds"] / f["cpu_seconds"]
            for w, f in zip(found["warm"], found["floor"], strict=True)
        ]
        print(
            "warm full / floor, pair by pair: "
            + ", ".join(f"{r:.2f}x" for r in pairs)
            + f" (median {figures.summary(pairs)['median']:.2f}x); by CPU: "
            + ", ".join(f"{r:.2f}x" for r in cpu)
        )
        n = found["inodes"][0]
        print(
            f"site: {n['names']:,} file names, {n['inodes']:,} inodes with folders "
            f"({n['inodes'] / units:.1f} per unit); cache {n['cache_inodes']:,}; site and "
            f"cache together {n['together']:,} ({n['together'] / units:.1f} per unit)"
        )


def main() -> None:
    """Run the benchmark for the sizes asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="*", default=[5000, 55900])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--only", nargs="*", default=KINDS[1:], choices=KINDS[1:])
    parser.add_argument(
        "--shards", type=int, default=4, help="shards of the sharded full build (by city)"
    )
    parser.add_argument(
        "--skip-cold", action="store_true", help="reuse the content and caches already in --work"
    )
    args = parser.parse_args()
    only = tuple(args.only)
    for units in args.units:
        work = args.work / str(units)
        found = bench(units, work, args.repeat, only, args.skip_cold, args.shards)
        report(units, found)
        for runs in found.values():
            for r in runs:
                r.pop("stdout", None)
        (args.work / f"results-{units}.json").write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
