"""Service capacity: concurrent citizens filing reports through the real form (issue 17).

Run: ``.venv/bin/python bench/service_capacity.py --clients 50 --reports 4 --runs 3``.
Starts gunicorn with the production settings (deploy/gunicorn.conf.py: production mode, a
real secret, secure cookies, one trusted proxy hop, mail on to an SMTP server on loopback) on
SQLite and on a throwaway PostgreSQL, then lets ``--clients`` browsers each file ``--reports``
reports back to back (closed loop): GET the form, take its CSRF token and submission key, POST
it (with or without a 1 MB photo); bench/capacity_client.py is the browser, lean so the load
takes little of the cores it shares with the service. Prints for each run and as the median
(with the spread of the runs) throughput (reports/s), POST and whole-filing latency
p50/p95/p99, the service's CPU per report (its gunicorn processes, from /proc) and the
client's, and the load average; then the floor: a static file through the same gunicorn by
the same clients. ``--open-rates 10,20`` adds open-loop runs (reports arriving at that rate,
latency from the planned arrival). ``--profile`` adds a cProfile of the form GET and the POST
in one process. ``--threads`` and ``--worker-class`` override deploy/gunicorn.conf.py.
Figures: docs/scale.md, "The service's workers".
"""

from __future__ import annotations

import cProfile
import functools
import io
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.capacity_client import (  # noqa: E402
    LeanBrowser,
    Outcome,
    closed_loop,
    floor_loop,
    form_fields,
    open_loop,
    process_tree_cpu,
)
from tests.deploy.workers import migrate, running_service  # noqa: E402
from tests.directory_helpers import write_directory_file  # noqa: E402
from tests.feedback.conftest import BINYANG  # noqa: E402
from tests.feedback.smtp_helpers import SmtpServer  # noqa: E402
from tests.pg import UNAVAILABLE, throwaway_postgres  # noqa: E402

#: The floor: a static file the service itself serves, through the same gunicorn.
FLOOR_PATH = "/fb-static/feedback.css"


def photo_bytes(size: int = 1_000_000) -> bytes:
    """A JPEG photo of about ``size`` bytes (noise compresses badly, as phone photos do)."""
    from PIL import Image

    side = int((size / 1.2) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0..1) of ``values``, nearest rank (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.1f}"


def client_cpu() -> float:
    """CPU seconds of this process (the browsers) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def figures(outcomes: list[Outcome], wall: float, server_cpu: float, own_cpu: float) -> dict:
    """Throughput, latencies (ms) and CPU per report of one run."""
    ok = [o for o in outcomes if o.status == 200 and o.number]
    posts = [o.post_seconds * 1000 for o in ok]
    totals = [o.total_seconds * 1000 for o in ok]
    count = max(1, len(ok))
    return {
        "reports": len(ok),
        "failed": len(outcomes) - len(ok),
        "per_s": len(ok) / wall,
        "p50": percentile(posts, 0.50),
        "p95": percentile(posts, 0.95),
        "p99": percentile(posts, 0.99),
        "filing_p50": percentile(totals, 0.50),
        "filing_p99": percentile(totals, 0.99),
        "form_p50": percentile([o.form_seconds * 1000 for o in ok], 0.50),
        "server_ms": server_cpu * 1000 / count,
        "client_ms": own_cpu * 1000 / count,
        "statuses": sorted({o.status for o in outcomes if o not in ok}),
    }


def line(r: dict) -> str:
    """One run's or the medians' figures on a line."""
    return (
        f"{r['per_s']:.1f} reports/s, POST p50 {r['p50']:.0f} p95 {r['p95']:.0f} "
        f"p99 {r['p99']:.0f} ms, filing (GET+POST) p50 {r['filing_p50']:.0f} "
        f"p99 {r['filing_p99']:.0f} ms, form GET p50 {r['form_p50']:.0f} ms, "
        f"service CPU {r['server_ms']:.1f} ms/report, client CPU {r['client_ms']:.1f} ms/report, "
        f"failed {r['failed']:.0f} {r.get('statuses') or ''}"
    )


def summary(found: list[dict]) -> str:
    """Medians of the runs, and the spread (min-max) of throughput and p99."""
    keys = [k for k in found[0] if k != "statuses"]
    median = {k: statistics.median(r[k] for r in found) for k in keys}
    spread = {k: (min(r[k] for r in found), max(r[k] for r in found)) for k in ("per_s", "p99")}
    return (
        f"  median of {len(found)}: {line(median)}\n"
        f"  spread: {spread['per_s'][0]:.1f}-{spread['per_s'][1]:.1f} reports/s, "
        f"p99 {spread['p99'][0]:.0f}-{spread['p99'][1]:.0f} ms"
    )


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file or a throwaway PostgreSQL cluster."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'feedback.sqlite3'}"
    else:
        with throwaway_postgres(max_connections=200) as url:
            yield url


@contextmanager
def service(kind: str, workers: int, gunicorn_args: str, limit: int) -> Iterator[tuple[str, int]]:
    """gunicorn with the production settings on a fresh database; its URL and master pid."""
    tmp = Path(tempfile.mkdtemp(prefix=f"capacity-{kind}-"))
    directory = write_directory_file(tmp / "search-index.directory.jsonl")
    with SmtpServer() as smtp, database(kind, tmp) as url:
        migrate(url, tmp, directory)
        settings = {
            "YIMATONG_MAIL_ENABLED": "true",
            "YIMATONG_SMTP_HOST": "127.0.0.1",
            "YIMATONG_SMTP_PORT": str(smtp.port),
            "YIMATONG_RATE_LIMIT_REPORTS": str(limit),
        }
        with running_service(tmp, url, directory, workers, gunicorn_args, **settings) as running:
            LeanBrowser(running.url, "10.255.0.1").file(BINYANG, None)  # warm every worker once
            LeanBrowser(running.url, "10.255.0.2").file(BINYANG, None)
            yield running.url, running.process.pid


def measured(run, pid: int) -> dict:  # type: ignore[no-untyped-def]
    """Run ``run()`` (outcomes, wall seconds) and add the CPU both sides spent."""
    server, own = process_tree_cpu(pid), client_cpu()
    outcomes, wall = run()
    return figures(outcomes, wall, process_tree_cpu(pid) - server, client_cpu() - own)


def closed(url: str, pid: int, clients: int, reports: int, runs: int, photo: bytes | None) -> None:
    """``runs`` closed-loop runs: each run's line, then the medians."""
    found = []
    for run in range(runs):
        before = load()
        r = measured(
            functools.partial(closed_loop, url, BINYANG, clients, reports, photo, run), pid
        )
        click.echo(f"  run {run + 1} (load {before} -> {load()}): {line(r)}")
        found.append(r)
    click.echo(summary(found))
    per_s = max(0.01, statistics.median(r["per_s"] for r in found))
    click.echo(
        f"  Little's law: {clients} browsers / {per_s:.1f} reports/s = "
        f"{clients / per_s * 1000:.0f} ms a filing (GET+POST) on average; p99 < 300 ms at "
        f"{clients} back-to-back browsers would need >= {clients / 0.3:.0f} reports/s"
    )


def opened(url: str, pid: int, rates: list[float], seconds: float, runs: int) -> None:
    """Open-loop runs at each rate: medians of ``runs``."""
    for rate in rates:
        found = []
        for run in range(runs):
            one = functools.partial(open_loop, url, BINYANG, rate, seconds, None, run)
            found.append(measured(one, pid))
        click.echo(f"  open loop, {rate:g} reports/s arriving for {seconds:g} s:")
        click.echo(summary(found))


def floor(url: str, pid: int, clients: int, runs: int) -> None:
    """The same clients GETting a static file through the same gunicorn: the floor."""
    found = []
    for _ in range(runs):
        server = process_tree_cpu(pid)
        times, wall = floor_loop(url, FLOOR_PATH, clients, 8)
        cpu = (process_tree_cpu(pid) - server) * 1000 / len(times)
        ms = [t * 1000 for t in times]
        found.append((len(times) / wall, percentile(ms, 0.5), percentile(ms, 0.99), cpu))
    per_s, p50, p99, cpu = (statistics.median(f[i] for f in found) for i in range(4))
    click.echo(
        f"  floor ({FLOOR_PATH}, {clients} clients, median of {runs}): {per_s:.0f} requests/s, "
        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms (runs {min(f[2] for f in found):.0f}-"
        f"{max(f[2] for f in found):.0f}), service CPU {cpu:.1f} ms/request"
    )


def profile_report(count: int = 40) -> str:
    """Where the form GET and the POST spend their CPU: cProfile of ``count`` of each in one
    process, with the production settings (secure cookies, mail queued, not sent)."""
    from feedback.app import create_app
    from feedback.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="capacity-profile-"))
    directory = write_directory_file(tmp / "d.directory.jsonl")
    app = create_app(
        {
            "SECRET_KEY": os.urandom(32).hex(),
            "PRODUCTION": True,
            "PROXY_HOPS": 1,
            "BASE_URL": "https://ymt.example.cn",
            "FEEDBACK_URL": "https://ymt.example.cn",
            "DIRECTORY_FILE": str(directory),
            "MAIL_ENABLED": False,
            "INSTANCE_PATH": str(tmp),
            "RATE_LIMIT_REPORTS": count + 10,
        }
    )
    upgrade(app)
    client = app.test_client()
    url = f"/report/{BINYANG}"
    headers = {
        "X-Forwarded-For": "10.9.9.9",
        "X-Forwarded-Proto": "https",
        "Referer": f"https://localhost{url}",
    }
    profiles = {"GET": cProfile.Profile(), "POST": cProfile.Profile()}
    cpu: dict[str, list[float]] = {"GET": [], "POST": []}

    def timed(kind: str, call):  # type: ignore[no-untyped-def]
        start = time.process_time()
        profiles[kind].enable()
        response = call()
        profiles[kind].disable()
        cpu[kind].append((time.process_time() - start) * 1000)
        return response

    for _ in range(count + 3):
        form = timed("GET", lambda: client.get(url, headers=headers, base_url="https://localhost"))
        fields = form_fields(form.get_data(as_text=True))
        post = functools.partial(
            client.post, url, data=fields, headers=headers, base_url="https://localhost"
        )
        posted = timed("POST", post)
        assert posted.status_code == 200, posted.get_data(as_text=True)[:300]
    out = io.StringIO()
    for kind, profile in profiles.items():
        median = statistics.median(cpu[kind][3:])
        out.write(
            f"\n{kind} /report/<unit> in one process: median {median:.1f} ms CPU (profiled)\n"
        )
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(r"feedback", 25)
    return out.getvalue()


@click.command()
@click.option("--clients", default=50, show_default=True, help="Concurrent browsers.")
@click.option("--reports", default=4, show_default=True, help="Reports each browser files.")
@click.option("--runs", default=3, show_default=True, help="Runs per setting (median shown).")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers.")
@click.option("--threads", type=int, help="gunicorn threads (default: deploy/gunicorn.conf.py).")
@click.option("--worker-class", help="gunicorn worker class (gthread, sync).")
@click.option("--db", "kinds", multiple=True, default=("sqlite", "postgres"), show_default=True)
@click.option("--photo/--no-photo", "photos", default=None, help="Only with / without a photo.")
@click.option("--open-rates", default="", help="Open-loop arrival rates, e.g. 10,20,30.")
@click.option("--open-seconds", default=15.0, show_default=True, help="Length of an open run.")
@click.option("--floor/--no-floor", "with_floor", default=True, show_default=True)
@click.option("--profile/--no-profile", default=True, show_default=True)
def main(
    clients: int,
    reports: int,
    runs: int,
    workers: int,
    threads: int | None,
    worker_class: str | None,
    kinds: tuple[str, ...],
    photos: bool | None,
    open_rates: str,
    open_seconds: float,
    with_floor: bool,
    profile: bool,
) -> None:
    """Print throughput and latency of report filing under concurrent browsers."""
    args = " ".join(
        a
        for a in (
            f"--threads {threads}" if threads else "",
            f"--worker-class {worker_class}" if worker_class else "",
        )
        if a
    )
    rates = [float(r) for r in open_rates.split(",") if r.strip()]
    limit = clients * reports * runs + 10 + int(sum(rates) * open_seconds * runs)
    click.echo(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{os.cpu_count()} cores; gunicorn {workers} workers {args or '(conf threads)'}"
    )
    for kind in kinds:
        if kind == "postgres" and UNAVAILABLE:
            click.echo(f"postgres: skipped ({UNAVAILABLE})")
            continue
        with service(kind, workers, args, limit) as (url, pid):
            for photo in (False, True) if photos is None else (photos,):
                click.echo(f"{kind} photo={'1 MB' if photo else 'no'} {clients} x {reports}:")
                closed(url, pid, clients, reports, runs, photo_bytes() if photo else None)
            if rates:
                opened(url, pid, rates, open_seconds, runs)
            if with_floor:
                floor(url, pid, clients, runs)
    click.echo(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        click.echo(profile_report())


if __name__ == "__main__":
    main()
