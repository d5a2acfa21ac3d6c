"""The service as several gunicorn workers, and a citizen's browser filing through the real form.

Shared by tests/deploy/test_workers.py and bench/service_capacity.py. The service runs with
its production settings (deploy/gunicorn.conf.py, secure cookies, a real secret, one trusted
proxy hop) on loopback; the client speaks to gunicorn as nginx would, with X-Forwarded-For
and X-Forwarded-Proto, and carries its own session cookie (a Secure cookie that requests
would not send over plain http).
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from bs4 import BeautifulSoup

from .machine import free_port, service_env, start_gunicorn, wait_for

#: The access log line of each request: <worker pid>, status, path (which worker served it).
ACCESS_FORMAT = "%(p)s %(s)s %(U)s"


@dataclass
class Service:
    """A running gunicorn: its address, log and settings."""

    url: str
    log: Path
    env: dict[str, str]
    process: subprocess.Popen

    def worker_pids(self, path_start: str = "/report/") -> list[str]:
        """The pid of the worker that served each request to ``path_start``…, in log order."""
        pids = []
        for line in self.log.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0].startswith("<") and parts[2].startswith(path_start):
                pids.append(parts[0])
        return pids


def migrate(database_url: str, tmp: Path, directory: Path) -> None:
    """Bring the database to head with the service's own migrations."""
    from feedback.app import create_app
    from feedback.config import TEST_CONFIG
    from feedback.extensions import db
    from feedback.migrate import upgrade

    config = {**TEST_CONFIG, "DATABASE_URL": database_url, "DIRECTORY_FILE": str(directory)}
    app = create_app({**config, "INSTANCE_PATH": tmp / "migrate"})
    upgrade(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def running_service(
    tmp: Path,
    database_url: str,
    directory: Path,
    workers: int,
    gunicorn_args: str = "",
    **settings: str,
) -> Iterator[Service]:
    """gunicorn with deploy/gunicorn.conf.py and ``workers`` workers until the block ends;
    ``gunicorn_args`` overrides more of its settings (``--threads 8``)."""
    env = service_env(
        tmp,
        "https://ymt.example.cn",
        tmp / "search-index",
        YIMATONG_DATABASE_URL=database_url,
        YIMATONG_DIRECTORY_FILE=str(directory),
        GUNICORN_CMD_ARGS=f"--workers {workers} --access-logformat '{ACCESS_FORMAT}' {gunicorn_args}",
        **settings,
    )
    port, log = free_port(), tmp / f"gunicorn-{uuid.uuid4().hex[:6]}.log"
    process = start_gunicorn(env, port, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/", process, log)
        yield Service(url, log, env, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Filing:
    """One report filed through the form: what came back and how long each step took."""

    status: int
    number: str
    form_seconds: float
    post_seconds: float


@dataclass
class Citizen:
    """A browser at address ``ip`` (as nginx forwards it) that files reports through the form."""

    service: Service
    ip: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.trust_env = False

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """What nginx would add, this browser's cookie, and ``extra``."""
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        # A new connection for every request, so the kernel hands each to any worker.
        headers = {
            "X-Forwarded-For": self.ip,
            "X-Forwarded-Proto": "https",
            "Connection": "close",
            **(extra or {}),
        }
        return {**headers, "Cookie": cookie} if cookie else headers

    def file(self, unit: str, photo: bytes | None = None, timeout: float = 60) -> Filing:
        """GET the form, take its CSRF token and submission key, POST a report; the outcome."""
        url = f"{self.service.url}/report/{unit}"
        start = time.perf_counter()
        form = self.session.get(url, headers=self.headers(), timeout=timeout)
        got = time.perf_counter()
        if form.status_code != 200:
            return Filing(form.status_code, "", got - start, 0.0)
        files = {"photos": ("photo.jpg", photo, "image/jpeg")} if photo else None
        filed = self.session.post(
            url,
            data=report_fields(BeautifulSoup(form.content, "html.parser")),
            files=files,
            headers=self.headers({"Referer": url.replace("http://", "https://")}),
            timeout=timeout,
        )
        done = time.perf_counter()
        page = BeautifulSoup(filed.content, "html.parser")
        number = page.select_one(".tracking-number")
        text = number.get_text(strip=True) if number else ""
        return Filing(filed.status_code, text, got - start, done - got)


def report_fields(form_page: BeautifulSoup) -> dict[str, str]:
    """The form's hidden fields (CSRF token, submission key) and what a citizen fills in."""
    form = form_page.select_one("form[method=post]")
    assert form is not None, form_page.get_text()[:500]
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    seen_on = form.select_one("input[name=seen_on]")["value"]
    fields.update(
        category="废水",
        description="排放口流出黑色污水，有刺鼻气味，持续约一小时。",
        seen_on=seen_on,
        place="东侧围墙外的排水沟",
        reporter_email="citizen@example.com",
        agree="y",
    )
    return fields
