"""Four gunicorn workers on one PostgreSQL database behave as one service (issue 17).

Reports filed at the same moment through different workers get different tracking numbers,
one client's rate limit holds whichever worker serves it, every queued mail reaches the SMTP
server once although every worker flushes the outbox, and a session begun on one worker is
good on the others. The service runs with its production settings (deploy/gunicorn.conf.py).
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.directory_helpers import write_directory_file
from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.smtp_helpers import SmtpServer
from tests.pg import UNAVAILABLE, throwaway_postgres

from .workers import Citizen, Service, migrate, running_service

pytestmark = pytest.mark.skipif(bool(UNAVAILABLE), reason=UNAVAILABLE)
WORKERS = 4
CLIENTS = 24
LIMIT = 3


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A throwaway PostgreSQL brought to head."""
    pytest.importorskip("psycopg")
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def smtp():
    """A real SMTP server on loopback that keeps what it accepted."""
    with SmtpServer(delay=0.01) as server:
        yield server


@pytest.fixture(scope="module")
def service(database: str, smtp: SmtpServer, tmp_path_factory) -> Service:
    """The service as four workers on the database, mail on, a small report limit."""
    tmp = tmp_path_factory.mktemp("workers")
    directory = write_directory_file(tmp / "search-index.directory.jsonl")
    migrate(database, tmp, directory)
    with running_service(
        tmp,
        database,
        directory,
        WORKERS,
        YIMATONG_MAIL_ENABLED="true",
        YIMATONG_SMTP_HOST="127.0.0.1",
        YIMATONG_SMTP_PORT=str(smtp.port),
        YIMATONG_RATE_LIMIT_REPORTS=str(LIMIT),
    ) as running:
        yield running


def _rows(database: str, sql: str) -> list[tuple]:
    engine = create_engine(database)
    try:
        with engine.connect() as con:
            return [tuple(r) for r in con.execute(text(sql))]
    finally:
        engine.dispose()


def _file_all(service: Service, citizens: list[Citizen], unit: str) -> list:
    with ThreadPoolExecutor(len(citizens)) as pool:
        return list(pool.map(lambda c: c.file(unit), citizens))


def test_concurrent_reports_through_four_workers_get_unique_numbers(service: Service) -> None:
    citizens = [Citizen(service, f"198.51.100.{i + 1}") for i in range(CLIENTS)]
    filings = _file_all(service, citizens, BINYANG)
    assert [f.status for f in filings] == [200] * CLIENTS
    numbers = [f.number for f in filings]
    assert all(numbers) and len(set(numbers)) == CLIENTS
    served_by = Counter(service.worker_pids())
    assert len(served_by) >= 2, served_by  # the form and the posts went to several workers
    stored = _rows(service.env["YIMATONG_DATABASE_URL"], "SELECT tracking_number FROM report")
    assert set(numbers) <= {row[0] for row in stored}


def test_one_clients_limit_holds_across_workers(service: Service) -> None:
    ip = "203.0.113.77"
    same_client = [Citizen(service, ip) for _ in range(LIMIT * 3)]
    filings = _file_all(service, same_client, LIUCHENG)
    accepted = [f for f in filings if f.status == 200 and f.number]
    refused = [f for f in filings if f.status == 429]
    assert len(accepted) == LIMIT and len(refused) == len(filings) - LIMIT, filings


def test_each_queued_mail_is_sent_once(service: Service, smtp: SmtpServer) -> None:
    url = service.env["YIMATONG_DATABASE_URL"]
    Citizen(service, "198.51.100.200").file(BINYANG)  # one more request flushes after the rest
    for _ in range(300):
        unsent = _rows(url, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0]
        if unsent == 0:
            break
        time.sleep(0.1)
    queued = _rows(url, "SELECT count(*) FROM outbox")[0][0]
    assert unsent == 0 and queued >= CLIENTS * 2  # the citizen's receipt and the officers' notice
    arrived = smtp.recorder.message_ids()
    assert sum(arrived.values()) == queued and set(arrived.values()) == {1}


def test_one_browser_files_again_and_again_whichever_worker_serves_it(service: Service) -> None:
    """The CSRF token of a form is in the session cookie, signed with the one secret: a form
    from one worker posts to any other."""
    citizen = Citizen(service, "198.51.100.250")
    before = len(service.worker_pids())
    filings = []
    # Which worker accepts a connection is the kernel's choice: an idle machine can hand a
    # few in a row to one worker. The same browser (its session cookie) goes on filing, from
    # another network after each LIMIT reports, until two workers have served it.
    for network in range(10):
        citizen.ip = f"198.51.100.{230 + network}"
        filings += [citizen.file(BINYANG) for _ in range(LIMIT)]
        if len(set(service.worker_pids()[before:])) >= 2:
            break
    assert [f.status for f in filings] == [200] * len(filings) and all(f.number for f in filings)
    assert len(set(service.worker_pids()[before:])) >= 2


def test_workers_without_a_configured_secret_share_one(database: str, tmp_path: Path) -> None:
    """Outside production the secret is made in the instance folder by whichever worker
    starts first; the others must use that one, or their forms would fail on each other."""
    directory = write_directory_file(tmp_path / "search-index.directory.jsonl")
    settings = {"YIMATONG_PRODUCTION": "false", "YIMATONG_SECRET_KEY": ""}
    migrate(database, tmp_path, directory)  # on its own too, not only after the other tests
    with running_service(tmp_path, database, directory, WORKERS, **settings) as service:
        # Several browsers at once, so that more than one worker serves (one browser alone
        # may be served by the same worker every time); each posts the form it was given.
        browsers = [Citizen(service, f"198.51.100.{151 + i}") for i in range(WORKERS * 2)]
        with ThreadPoolExecutor(WORKERS * 2) as pool:
            filings = list(pool.map(lambda c: c.file(LIUCHENG), browsers))
        served = service.worker_pids()
    assert [f.status for f in filings] == [200] * len(browsers)
    assert len(set(served)) >= 2
    assert len((tmp_path / "instance" / "secret_key").read_text().strip()) == 64
    assert not list((tmp_path / "instance").glob(".secret_key.*"))
