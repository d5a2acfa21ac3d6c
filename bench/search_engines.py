"""Either search engine for the search benchmarks: load or build it, measure its size, serve
it over HTTP on loopback, and summarise repeated runs (median and spread, load average).

``--engine postgresql`` without ``--url`` starts a throwaway cluster (tests/pg.py) for the run.
Used by bench/search_bench.py and bench/search_quality.py; see docs/search.md ("Two engines").
"""

from __future__ import annotations

import logging
import os
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

ENGINES = ("embedded", "postgresql")
engine_option = click.option("--engine", type=click.Choice(ENGINES), default="embedded")
url_option = click.option(
    "--url", default="", help="PostgreSQL URL (postgresql engine); default: a throwaway cluster."
)
SERVERS = ("thread", "gunicorn")
server_option = click.option(
    "--server",
    type=click.Choice(SERVERS),
    default="thread",
    show_default=True,
    help="HTTP: the service in a thread of the benchmark (werkzeug), or gunicorn in processes "
    "of its own with deploy/gunicorn.conf.py (production settings, the index opened as each "
    "worker starts).",
)


@contextmanager
def postgres(engine: str, url: str) -> Iterator[str]:
    """The URL to load into: ``url``, a throwaway cluster's, or "" for the embedded engine."""
    if engine != "postgresql" or url:
        yield url
        return
    from tests.pg import UNAVAILABLE, throwaway_postgres

    if UNAVAILABLE:
        raise click.ClickException(UNAVAILABLE)
    with throwaway_postgres() as started:
        yield started


def load(engine: str, site: Any, folder: Path, url: str) -> tuple[Any, float, float, str]:
    """Build (embedded) or load (PostgreSQL) the index of ``site``, open it: the index, the
    build or load seconds, its size on disk in MB, and a line describing it."""
    from generator.search.index import build_index
    from generator.search.pgindex import PgIndex
    from generator.search.pgload import load_postgres
    from generator.search.reader import SearchIndex

    start, cpu = time.perf_counter(), time.process_time()
    if engine == "embedded":
        if not (folder / "yimatong-search.json").exists():
            build_index(site, folder)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        opened = time.perf_counter()
        index: Any = SearchIndex(folder)
    else:
        done = load_postgres(site, url, full=True)
        seconds = time.perf_counter() - start
        size = pg_size(url) / 2**20
        opened = time.perf_counter()
        index = PgIndex(url)
        assert done.documents == index.size
    line = (
        f"{engine}: build/load {seconds:.1f} s ({time.process_time() - cpu:.1f} s CPU), "
        f"size on disk {size:.1f} MB, open {time.perf_counter() - opened:.2f} s, "
        f"{index.size} documents, peak memory of this process {rss_mb():.0f} MB"
    )
    return index, seconds, size, line


def pg_size(url: str) -> int:
    """Bytes of the current set of search tables with their indexes (and TOAST)."""
    from generator.search.pgstore import SETS, connect

    with connect(url, autocommit=True) as conn:
        (tables,) = conn.execute("SELECT tables FROM search_state").fetchone()
        names = [f"{base}_{tables}" for base in SETS]
        (size,) = conn.execute(
            "SELECT sum(pg_total_relation_size(c)) FROM unnest(%s::regclass[]) c", (names,)
        ).fetchone()
    return int(size)


def rss_mb() -> float:
    """Peak resident size of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def loadavg() -> str:
    """The load average line every figure is printed with."""
    return "load average: {:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*os.getloadavg())


def p95(values: list[float]) -> float:
    """95th percentile (the largest value when there are fewer than 20)."""
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def spread(label: str, runs: list[list[float]]) -> str:
    """Each run's p50 and p95 (ms): their median over the runs and their range."""
    p50s = [statistics.median(r) for r in runs]
    p95s = [p95(r) for r in runs]
    return (
        f"{label}: p50 {statistics.median(p50s):.1f} ms ({min(p50s):.1f}–{max(p50s):.1f}), "
        f"p95 {statistics.median(p95s):.1f} ms ({min(p95s):.1f}–{max(p95s):.1f}) "
        f"over {len(runs)} runs of {len(runs[0])} queries"
    )


@contextmanager
def service(engine: str, folder: Path, url: str, server: str = "thread") -> Iterator[str]:
    """A fresh feedback service answering from the engine, on loopback; yields its address.
    ``server`` "gunicorn": the production server in processes of its own, so the client and
    the service do not share one interpreter."""
    if server == "gunicorn":
        with _gunicorn(engine, folder, url) as base:
            yield base
        return
    from werkzeug.serving import make_server

    from feedback.app import create_app

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": instance,
                "SEARCH_INDEX_DIR": str(folder),
                "SEARCH_ENGINE": engine,
                "SEARCH_DATABASE_URL": url,
                "MAIL_BACKGROUND": False,
            }
        )
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join()
            from generator.search.opened import close_all

            close_all()


@contextmanager
def _gunicorn(engine: str, folder: Path, url: str) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py on a fresh SQLite database (tests/deploy)."""
    from tests.deploy.workers import migrate, running_service
    from tests.directory_helpers import write_directory_file

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        directory = write_directory_file(where / "directory.jsonl")
        database = f"sqlite:///{where / 'feedback.sqlite3'}"
        migrate(database, where, directory)
        searched = {
            "YIMATONG_SEARCH_INDEX_DIR": str(Path(folder).resolve()),
            "YIMATONG_SEARCH_ENGINE": engine,
            "YIMATONG_SEARCH_DATABASE_URL": url,
        }
        with running_service(where, database, directory, 2, **searched) as running:
            yield running.url


def http_times(base: str, texts: list[str], params: list[dict] | None = None) -> list[float]:
    """Milliseconds of ``GET /api/search`` for each query (one kept-alive session)."""
    import requests

    out = []
    with requests.Session() as session:
        for i, text in enumerate(texts):
            extra = params[i] if params else {}
            start = time.perf_counter()
            response = session.get(f"{base}/api/search", params={"q": text, **extra}, timeout=60)
            out.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 400), response.status_code
    return out


def http_floor(base: str, count: int = 50) -> list[float]:
    """The floor over HTTP: a query refused before the index is touched (empty ``q``)."""
    return http_times(base, [""] * count)
