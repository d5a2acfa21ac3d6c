"""Ledger benchmark: a province's ledger of 200,000 synthetic items on SQLite.

    .venv/bin/python bench/ledger.py                       # 200,000 items over 2,000 units
    .venv/bin/python bench/ledger.py --items 20000 --runs 5

Units come from `yimatong sample` (their directory file is written as a build would); items
are spread over every unit, source and state, found over the last two years. Measured in the
same run, each ``--runs`` times, with the median and p95 printed: the officer ledger page
with filters (a province officer: every body below), one city's CSV export, the export to
the build (`yimatong feedback ledger export`: the items, and every body's public monthly
figures for the last 12 months, as the command writes them), and a floor: a bare SELECT
COUNT(*) over the same table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DAY = dt.date(2026, 11, 20)
PASSWORD = "bench-password-1"
STATES = ("closed",) * 8 + ("open",) * 6 + ("answered", "answered", "sent_back", "verified")
SOURCES = ("inspection", "report", "monitoring", "permit", "officer")


def make_directory(units: int, work: Path) -> Path:
    """Sample content of ``units`` units and its directory file; the file's path."""
    from generator.content.readers import load_site
    from generator.directory.records import write
    from generator.directory.write import directory_of

    content = work / "content"
    command = Path(sys.executable).parent / "yimatong"
    args = [str(command), "sample", "--units", str(units), "--seed", "1", "--out", str(content)]
    subprocess.run(args, check=True, capture_output=True)
    path = work / "directory.jsonl"
    write(path, directory_of(load_site(content)))
    return path


def _rows(count: int, directory) -> list[dict]:  # type: ignore[no-untyped-def]
    units = sorted(directory.units.values(), key=lambda u: u.code)
    rows = []
    for n in range(count):
        unit = units[n % len(units)]
        state = STATES[(n // len(units)) % len(STATES)]
        found = DAY - dt.timedelta(days=(n * 7) % 730)
        spot = n % 10 == 0
        rows.append(
            {
                "number": f"L{found.year}-{n + 1:06d}",
                "unit_code": unit.code,
                "county_code": unit.county_code,
                "outlet": unit.outlets[0] if unit.outlets else "",
                "source": SOURCES[n % len(SOURCES)],
                "source_ref": f"bench-{n}",
                "title": f"第 {n} 号问题：废水排放口标志牌缺失",
                "action": "设置符合 GB 15562.1 的标志牌",
                "detail": "",
                "found_on": found,
                "due_on": None if spot else found + dt.timedelta(days=30),
                "state": "closed" if spot else state,
                "body_id": directory.route(unit.county_code).id,
                "closed_on": found + dt.timedelta(days=20) if spot or state == "closed" else None,
            }
        )
    return rows


def fill(app, count: int) -> None:  # type: ignore[no-untyped-def]
    """The province officer and ``count`` items, inserted in batches."""
    from werkzeug.security import generate_password_hash

    from feedback.extensions import db
    from feedback.ledger.models import LedgerItem
    from feedback.models import Account, utcnow

    with app.app_context():
        directory = app.extensions["yimatong_directory"]
        top = next(b.id for b in directory.bodies.values() if b.parent is None)
        hashed = generate_password_hash(PASSWORD)
        db.session.add(Account(login="bench", password_hash=hashed, role="officer", body_id=top))
        now = utcnow()
        rows = _rows(count, directory)
        for start in range(0, len(rows), 20000):
            batch = [
                {**r, "created_at": now, "updated_at": now} for r in rows[start : start + 20000]
            ]
            db.session.execute(LedgerItem.__table__.insert(), batch)
        db.session.commit()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def timed(action: Callable[[], object], runs: int) -> dict[str, float]:
    """Median and p95 of ``runs`` calls, wall and CPU seconds (a first call warms up)."""
    action()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "median": statistics.median(wall),
        "p95": _p95(wall),
        "cpu_median": statistics.median(cpu),
        "cpu_p95": _p95(cpu),
        "runs": runs,
    }


def _get(client, path: str) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def call() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data()

    return call


def measure(app, runs: int, work: Path) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Every measurement of one run."""
    from sqlalchemy import text

    from feedback.extensions import db
    from feedback.inspections.public_monthly import public_months
    from feedback.ledger import export

    directory = app.extensions["yimatong_directory"]
    city = max(
        directory.cities(),
        key=lambda d: sum(u.city_code == d.code for u in directory.units.values()),
    )
    industry = next(u.industry for u in directory.units.values() if u.industry)
    client = app.test_client()
    client.post("/officer/login", data={"login": "bench", "password": PASSWORD})
    figures = {
        "page: all": _get(client, "/officer/ledger/"),
        "page: open inspection items of a city": _get(
            client, f"/officer/ledger/?state=open&source=inspection&area={city.code}"
        ),
        "page: overdue of an industry": _get(
            client, f"/officer/ledger/?overdue=1&industry={industry}"
        ),
        "CSV: one city": _get(client, f"/officer/ledger/export.csv?area={city.code}"),
    }
    found = {name: timed(call, runs) for name, call in figures.items()}
    with app.app_context():
        found["export to the build"] = timed(lambda: export.write(work / "ledger.json", DAY), runs)
        found["export: monthly figures of every body"] = timed(
            lambda: public_months(directory, DAY), runs
        )
        count = text("SELECT COUNT(*) FROM ledger_item")
        found["floor: SELECT COUNT(*)"] = timed(lambda: db.session.execute(count).scalar(), runs)
    return found


def main() -> None:
    """Make the ledger, measure, print and keep the figures (results-ledger.json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    from feedback.app import create_app
    from feedback.config import TEST_CONFIG
    from feedback.migrate import upgrade
    from generator import clock

    directory = make_directory(args.units, work)
    instance = work / "instance"
    instance.mkdir(exist_ok=True)
    app = create_app({**TEST_CONFIG, "DIRECTORY_FILE": str(directory), "INSTANCE_PATH": instance})
    upgrade(app)
    start = time.perf_counter()
    fill(app, args.items)
    print(
        f"{args.items} items over {args.units} units inserted in {time.perf_counter() - start:.1f} s"
    )
    load = os.getloadavg()
    with clock.travel(DAY):
        figures = measure(app, args.runs, work)
    print(f"load average before: {load[0]:.1f}, after: {os.getloadavg()[0]:.1f}")
    for name, f in figures.items():
        wall = f"median {f['median'] * 1000:8.1f} ms  p95 {f['p95'] * 1000:8.1f} ms"
        cpu = f"CPU median {f['cpu_median'] * 1000:8.1f} ms  p95 {f['cpu_p95'] * 1000:8.1f} ms"
        print(f"{name:40} {wall}   {cpu}")
    (work / "results-ledger.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
