"""Search quality: recall@1, recall@10 and empty results per query class, with latency.

Run: ``.venv/bin/python bench/search_quality.py --units 55900 --content /tmp/c``. The cases
(bench/search_queries.py) can be written once (``--write-cases FILE``) and read again
(``--cases FILE``), so the same queries measure another version of the engine. Each query
is searched as /api/search does (first page of 10), in process, ``--runs`` times; latency is
the median over the runs of each run's p50 and p95. ``--http`` then asks a freshly started
service the same queries over HTTP (``GET /api/search``, the ``from`` of each case): its first
queries, each class's p50 and p95, the whole set's and the floor (an empty ``q``). With an
index already built (``--index``) and ``--cases``, the embedded engine's run does not load the
content at all. Figures go to docs/search.md.
"""

from __future__ import annotations

import inspect
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
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
    p95,
    postgres,
    server_option,
    service,
    spread,
    url_option,
)
from generator.content.readers import load_site  # noqa: E402
from generator.sample import write_sample  # noqa: E402
from generator.search.engine import search  # noqa: E402
from generator.search.index import build_index  # noqa: E402
from generator.search.query import QueryError, parse  # noqa: E402
from generator.search.reader import SearchIndex  # noqa: E402

TOP = 10
ANSWERABLE = 10
OPTIONS = set(inspect.signature(search).parameters)


def rank_of(case: dict, hits: list[Any]) -> int:
    """Place (from 1) of the first hit that is what ``case`` meant; 0 if none is."""
    truth = case["truth"]
    for place, hit in enumerate(hits, 1):
        doc = hit.doc
        if truth.startswith("violation:"):
            if doc.kind == "penalty" and doc.snippet == truth.removeprefix("violation:"):
                return place
        elif doc.unit_code == truth:
            return place
    return 0


def run_case(index: Any, case: dict, sound: bool) -> tuple[float, int, bool]:
    """Milliseconds, place of the truth (0: not in the first ten), and whether empty."""
    extra: dict[str, Any] = {}
    if "prefer" in OPTIONS:
        extra["prefer"] = case["city"]
    if "use_sound" in OPTIONS:
        extra["use_sound"] = sound
    start = time.perf_counter()
    try:
        result = search(index, parse(case["text"]), {}, 1, TOP, **extra)
    except QueryError:
        return (time.perf_counter() - start) * 1000, 0, True
    ms = (time.perf_counter() - start) * 1000
    if result.redirect:
        return ms, 1, False
    return ms, rank_of(case, list(result.hits)), not result.hits


def measure(index: Any, cases: list[dict], runs: int, sound: bool) -> dict[str, dict]:
    """Per class: counts, recall@1, recall@10, empty share, answerable recall, latency."""
    rows: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for run in range(runs):
        for case in cases:
            ms, place, empty = run_case(index, case, sound)
            row = rows[case["kind"]]
            row[f"ms{run}"].append(ms)
            if run == 0:
                row["place"].append(place)
                row["empty"].append(empty)
                row["answerable"].append(case["ambiguity"] <= ANSWERABLE)
                row["ambiguity"].append(case["ambiguity"])
                row["truth"].append(bool(case["truth"]))
    return {kind: summary(row, runs) for kind, row in rows.items()}


def _unique_first(places: list[int], alike: list[int]) -> float | None:
    """Recall@1 of the queries only one unit answers (a unique name, a code)."""
    unique = [p for p, a in zip(places, alike, strict=True) if a <= 1]
    return sum(p == 1 for p in unique) / len(unique) if unique else None


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def summary(row: dict, runs: int) -> dict:
    """Figures of one class."""
    places, n = row["place"], len(row["place"])
    sure = [p for p, a in zip(places, row["answerable"], strict=True) if a]
    judged = any(row["truth"])
    return {
        "n": n,
        "r1": sum(p == 1 for p in places) / n if judged else None,
        "r10": sum(p > 0 for p in places) / n if judged else None,
        "empty": sum(row["empty"]) / n,
        "r1_unique": _unique_first(places, row["ambiguity"]) if judged else None,
        "answerable": len(sure),
        "r10_answerable": sum(p > 0 for p in sure) / len(sure) if sure and judged else None,
        "ambiguity": statistics.median(row["ambiguity"]),
        "p50": statistics.median(statistics.median(row[f"ms{r}"]) for r in range(runs)),
        "p95": statistics.median(_p95(row[f"ms{r}"]) for r in range(runs)),
    }


def over_http(
    engine: str, folder: Path, url: str, cases: list[dict], runs: int, server: str = "thread"
) -> None:
    """The cases over HTTP on a fresh service: first queries, per class p50/p95, the floor."""
    texts = [c["text"] for c in cases]
    params = [{"from": c["city"]} if c["city"] else {} for c in cases]
    with service(engine, folder, url, server) as base:
        first = http_times(base, texts[:5] + ["有限公司", "广西"], params[:5] + [{}, {}])
        print(
            "HTTP, first queries on a fresh service (ms): " + ", ".join(f"{t:.0f}" for t in first)
        )
        timed = [http_times(base, texts, params) for _ in range(runs)]
        print(spread("HTTP, every case", timed))
        print("| class | HTTP p50 ms | HTTP p95 ms |\n|---|---|---|")
        for kind in dict.fromkeys(c["kind"] for c in cases):
            at = [i for i, c in enumerate(cases) if c["kind"] == kind]
            p50s = [statistics.median(run[i] for i in at) for run in timed]
            p95s = [p95([run[i] for i in at]) for run in timed]
            print(f"| {kind} | {statistics.median(p50s):.1f} | {statistics.median(p95s):.1f} |")
        print(
            spread("HTTP floor (empty q, no index read)", [http_floor(base) for _ in range(runs)])
        )


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def table(figures: dict[str, dict]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| class | n | recall@1 | recall@10 | empty | recall@1, one alike "
        "| answerable (≤10 alike) | its recall@10 | median alike | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, f in figures.items():
        r1, r10, one, sure = (_share(f[k]) for k in ("r1", "r10", "r1_unique", "r10_answerable"))
        lines.append(
            f"| {kind} | {f['n']} | {r1} | {r10} | {f['empty']:.0%} | {one} "
            f"| {f['answerable']} | {sure} | {f['ambiguity']:g} | {f['p50']:.1f} | {f['p95']:.1f} |"
        )
    return "\n".join(lines)


def load_cases(site: Any, cases: Path | None, write: Path | None, per_kind: int) -> list[dict]:
    """Cases from a file, or made from ``site`` (and written to ``write``)."""
    if cases:
        return json.loads(cases.read_text(encoding="utf-8"))
    from bench.search_queries import make_cases

    made = [c.as_dict() for c in make_cases(site, per_kind)]
    if write:
        write.write_text(json.dumps(made, ensure_ascii=False, indent=0), encoding="utf-8")
    return made


@click.command()
@click.option("--units", default=55900, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--per-kind", default=100, show_default=True)
@click.option("--runs", default=3, show_default=True)
@click.option("--content", type=click.Path(path_type=Path), default=None)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None)
@click.option("--cases", type=click.Path(path_type=Path, exists=True), default=None)
@click.option("--write-cases", type=click.Path(path_type=Path), default=None)
@click.option("--no-sound", is_flag=True, help="Also measure without same-sound near matches.")
@click.option("--http", is_flag=True, help="Also measure over HTTP on a fresh service.")
@engine_option
@url_option
@server_option
def main(**opts: Any) -> None:
    """Measure search quality over realistic queries with the truth recorded (either engine:
    ``--engine postgresql`` loads the same site into its tables and queries them)."""
    with tempfile.TemporaryDirectory() as tmp, postgres(opts["engine"], opts["url"]) as url:
        content = opts["content"] or Path(tmp) / "content"
        folder = opts["index_dir"] or Path(tmp) / "index"
        built = (folder / "yimatong-search.json").exists()
        site = None
        if opts["engine"] == "postgresql" or not (built and opts["cases"]):
            if not content.exists():
                write_sample(content, opts["units"], seed=opts["seed"])
            start = time.perf_counter()
            site = load_site(content)
            print(f"content loaded in {time.perf_counter() - start:.1f} s")
        if opts["engine"] == "postgresql":
            start = time.perf_counter()
            index: Any = load("postgresql", site, folder, url)[0]
            print(f"PostgreSQL tables loaded in {time.perf_counter() - start:.1f} s")
        elif not built:
            start = time.perf_counter()
            build_index(site, folder)
            print(f"index built in {time.perf_counter() - start:.1f} s")
        if opts["engine"] == "embedded":
            start = time.perf_counter()
            index = SearchIndex(folder)
            print(f"index opened in {time.perf_counter() - start:.2f} s")
        cases = load_cases(site, opts["cases"], opts["write_cases"], opts["per_kind"])
        units = f"{len(site.units)} units, " if site is not None else ""
        print(f"{units}{index.size} documents, {len(cases)} queries")
        print(table(measure(index, cases, opts["runs"], True)))
        if opts["no_sound"]:
            print("without same-sound near matches:")
            print(table(measure(index, cases, opts["runs"], False)))
        if opts["http"]:
            if opts["engine"] == "embedded":
                index.close()
            del site
            over_http(opts["engine"], folder, url, cases, opts["runs"], opts["server"])
        print(loadavg())


if __name__ == "__main__":
    main()
