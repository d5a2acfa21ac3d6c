"""Service capacity: concurrent citizens filing reports through the real form (issue 17).

Run: ``.venv/bin/python bench/service_capacity.py --clients 50 --reports 4 --runs 3``.
Starts gunicorn with the production settings (deploy/gunicorn.conf.py: production mode, a
real secret, secure cookies, one trusted proxy hop, mail on to an SMTP server on loopback) on
SQLite and on a throwaway PostgreSQL, then lets ``--clients`` browsers each file ``--reports``
reports back to back: GET the form, take its CSRF token and submission key, POST it (with or
without a 1 MB photo). Prints, per database and photo, the median of ``--runs`` runs of
throughput (reports/s) and POST latency p50/p95/p99 (ms), the load average before and after,
and a profile of single report POSTs in one process (``--profile``). Figures go to
docs/scale.md.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.deploy.workers import Citizen, Filing, migrate, running_service  # noqa: E402
from tests.directory_helpers import write_directory_file  # noqa: E402
from tests.feedback.conftest import BINYANG  # noqa: E402
from tests.feedback.smtp_helpers import SmtpServer  # noqa: E402
from tests.pg import UNAVAILABLE, throwaway_postgres  # noqa: E402


def photo_bytes(size: int = 1_000_000) -> bytes:
    """A JPEG photo of about ``size`` bytes (noise compresses badly, as phone photos do)."""
    from PIL import Image

    side = int((size / 1.2) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def one_run(service, clients: int, reports: int, photo: bytes | None, run: int) -> dict:  # type: ignore[no-untyped-def]
    """``clients`` browsers, each filing ``reports`` reports back to back; the figures."""
    citizens = [Citizen(service, f"10.{run}.{i // 250}.{i % 250 + 1}") for i in range(clients)]

    def work(citizen: Citizen) -> list[Filing]:
        return [citizen.file(BINYANG, photo) for _ in range(reports)]

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        filings = [f for batch in pool.map(work, citizens) for f in batch]
    wall = time.perf_counter() - start
    ok = [f for f in filings if f.status == 200 and f.number]
    posts = [f.post_seconds * 1000 for f in ok]
    return {
        "reports": len(ok),
        "failed": len(filings) - len(ok),
        "per_s": len(ok) / wall,
        "p50": percentile(posts, 0.50),
        "p95": percentile(posts, 0.95),
        "p99": percentile(posts, 0.99),
        "form_p50": percentile([f.form_seconds * 1000 for f in ok], 0.50),
        "statuses": sorted(f.status for f in filings if f not in ok),
    }


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file or a throwaway PostgreSQL cluster."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'feedback.sqlite3'}"
    else:
        with throwaway_postgres(max_connections=200) as url:
            yield url


def measure(kind: str, photo: bool, clients: int, reports: int, runs: int, workers: int) -> dict:
    """Median figures of ``runs`` runs on one database, with or without a photo."""
    tmp = Path(tempfile.mkdtemp(prefix=f"capacity-{kind}-"))
    directory = write_directory_file(tmp / "search-index.directory.jsonl")
    picture = photo_bytes() if photo else None
    with SmtpServer() as smtp, database(kind, tmp) as url:
        migrate(url, tmp, directory)
        settings = {
            "YIMATONG_MAIL_ENABLED": "true",
            "YIMATONG_SMTP_HOST": "127.0.0.1",
            "YIMATONG_SMTP_PORT": str(smtp.port),
            "YIMATONG_RATE_LIMIT_REPORTS": str(reports * runs + 10),
        }
        with running_service(tmp, url, directory, workers, **settings) as service:
            Citizen(service, "10.255.0.1").file(BINYANG)  # warm every import and cache once
            found = [one_run(service, clients, reports, picture, run) for run in range(runs)]
    figures = {k: statistics.median(r[k] for r in found) for k in found[0] if k != "statuses"}
    return figures | {
        "spread_p99": (min(r["p99"] for r in found), max(r["p99"] for r in found)),
        "statuses": [s for r in found for s in r["statuses"]],
    }


def profile_post(count: int = 30) -> str:
    """Where one report POST spends its time: cProfile of ``count`` POSTs in one process."""
    from bs4 import BeautifulSoup

    from feedback.app import create_app
    from feedback.migrate import upgrade
    from tests.deploy.workers import report_fields

    tmp = Path(tempfile.mkdtemp(prefix="capacity-profile-"))
    directory = write_directory_file(tmp / "d.directory.jsonl")
    config = {"SECRET_KEY": "p" * 40, "DIRECTORY_FILE": str(directory), "MAIL_ENABLED": False}
    app = create_app({**config, "INSTANCE_PATH": str(tmp), "RATE_LIMIT_REPORTS": count + 5})
    upgrade(app)
    client, profile, times = app.test_client(), cProfile.Profile(), []
    for _ in range(count + 3):
        form = client.get(f"/report/{BINYANG}").get_data(as_text=True)
        fields = report_fields(BeautifulSoup(form, "html.parser"))
        start = time.perf_counter()
        profile.enable()
        assert client.post(f"/report/{BINYANG}", data=fields).status_code == 200
        profile.disable()
        times.append((time.perf_counter() - start) * 1000)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    median = statistics.median(times[3:])
    return f"single POST in one process: median {median:.1f} ms\n" + out.getvalue()


@click.command()
@click.option("--clients", default=50, show_default=True, help="Concurrent browsers.")
@click.option("--reports", default=4, show_default=True, help="Reports each browser files.")
@click.option("--runs", default=3, show_default=True, help="Runs per setting (median shown).")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers.")
@click.option("--db", "kinds", multiple=True, default=("sqlite", "postgres"), show_default=True)
@click.option("--photo/--no-photo", "photos", default=None, help="Only with / without a photo.")
@click.option("--profile/--no-profile", default=True, show_default=True)
def main(
    clients: int,
    reports: int,
    runs: int,
    workers: int,
    kinds: tuple[str, ...],
    photos: bool | None,
    profile: bool,
) -> None:
    """Print throughput and POST latency of report filing under concurrent browsers."""
    click.echo(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for kind in kinds:
        if kind == "postgres" and UNAVAILABLE:
            click.echo(f"postgres: skipped ({UNAVAILABLE})")
            continue
        for photo in (False, True) if photos is None else (photos,):
            r = measure(kind, photo, clients, reports, runs, workers)
            click.echo(
                f"{kind:8} photo={'yes' if photo else 'no ':3} {clients} clients x {reports}: "
                f"{r['per_s']:.1f} reports/s, POST p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
                f"p99 {r['p99']:.0f} ms (runs {r['spread_p99'][0]:.0f}-{r['spread_p99'][1]:.0f}),"
                f" form GET p50 {r['form_p50']:.0f} ms, failed {r['failed']:.0f} {r['statuses']}"
            )
    click.echo(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        click.echo(profile_post())


if __name__ == "__main__":
    main()
