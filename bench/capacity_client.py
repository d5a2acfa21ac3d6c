"""A lean browser for bench/service_capacity.py: the real form, little client CPU.

The load and the service share the machine's two cores, so the client must cost far less
than the service: one ``http.client`` connection per request (as nginx speaks to gunicorn:
``Connection: close``), the form's hidden fields read with a regular expression, the
multipart body built once per report. It still does what a browser does: GET the form, keep
the session cookie, send back the CSRF token and submission key, POST, read the tracking
number off the receipt.

Also here: the CPU the service used (its gunicorn processes, from /proc), closed-loop runs
(``clients`` browsers filing back to back) and open-loop runs (reports arriving at a fixed
rate, latency counted from the planned arrival so a slow service cannot hide its queue).
"""

from __future__ import annotations

import html
import http.client
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

HIDDEN = re.compile(r"<input[^>]*\btype=\"hidden\"[^>]*>")
NAME = re.compile(r"\bname=\"([^\"]*)\"")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")
SEEN_ON = re.compile(r"<input[^>]*\bname=\"seen_on\"[^>]*\bvalue=\"([^\"]*)\"")
TRACKING = re.compile(r"class=\"tracking-number\"[^>]*>\s*([^<\s]+)")
COOKIE = re.compile(r"^([^=;\s]+)=([^;]*)")
TICKS = os.sysconf("SC_CLK_TCK")

#: What a citizen types (the fields tests/deploy/workers.report_fields fills, too).
TYPED = {
    "category": "废水",
    "description": "排放口流出黑色污水，有刺鼻气味，持续约一小时。",
    "place": "东侧围墙外的排水沟",
    "reporter_email": "citizen@example.com",
    "agree": "y",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One filing (or one floor request): status, tracking number, seconds of each step."""

    status: int
    number: str
    form_seconds: float
    post_seconds: float
    #: From the planned arrival (open loop) or the start (closed loop) to the receipt.
    total_seconds: float


class LeanBrowser:
    """One citizen's browser at ``ip`` (as nginx forwards it) against ``base_url``."""

    def __init__(self, base_url: str, ip: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.ip = ip
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        """One request on a new connection; the status and the page."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        sent = {
            "X-Forwarded-For": self.ip,
            "X-Forwarded-Proto": "https",
            "Connection": "close",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            page = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or ():
                found = COOKIE.match(header)
                if found:
                    self.cookies[found.group(1)] = found.group(2)
            return response.status, page
        finally:
            connection.close()

    def file(self, unit: str, photo: bytes | None, planned: float | None = None) -> Outcome:
        """GET the form, POST it back filled in; what came back and how long it took."""
        start = time.perf_counter()
        origin = planned if planned is not None else start
        path = f"/report/{unit}"
        status, page = self.request("GET", path)
        got = time.perf_counter()
        if status != 200:
            return Outcome(status, "", got - start, 0.0, got - origin)
        body, boundary = multipart(form_fields(page), photo)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            # The Host gunicorn sees, over https: flask-wtf's strict referrer check.
            "Referer": f"https://{self.host}:{self.port}{path}",
        }
        status, receipt = self.request("POST", path, body, headers)
        done = time.perf_counter()
        found = TRACKING.search(receipt)
        number = found.group(1) if found else ""
        return Outcome(status, number, got - start, done - got, done - origin)


def form_fields(page: str) -> dict[str, str]:
    """The form's hidden fields (CSRF token, submission key, draft token) and the typed ones."""
    fields = {}
    for tag in HIDDEN.findall(page):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    seen_on = SEEN_ON.search(page)
    return fields | TYPED | {"seen_on": seen_on.group(1) if seen_on else ""}


def multipart(fields: dict[str, str], photo: bytes | None) -> tuple[bytes, str]:
    """The body a browser sends for the form (multipart/form-data) and its boundary."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    if photo is not None:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + photo + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), boundary


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live children (gunicorn)."""

    def stat(p: int | str) -> list[str]:
        text = Path(f"/proc/{p}/stat").read_text()
        return text[text.rindex(")") + 2 :].split()

    fields = stat(pid)
    total = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            child = stat(entry)
        except (OSError, ValueError):
            continue
        if int(child[1]) == pid:  # ppid
            total += int(child[11]) + int(child[12])
    return total / TICKS


def closed_loop(
    base_url: str, unit: str, clients: int, reports: int, photo: bytes | None, run: int
) -> tuple[list[Outcome], float]:
    """``clients`` browsers each filing ``reports`` back to back; outcomes and wall seconds."""
    browsers = [LeanBrowser(base_url, f"10.{run}.{i // 250}.{i % 250 + 1}") for i in range(clients)]

    def work(browser: LeanBrowser) -> list[Outcome]:
        return [browser.file(unit, photo) for _ in range(reports)]

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = [o for batch in pool.map(work, browsers) for o in batch]
    return outcomes, time.perf_counter() - start


def open_loop(
    base_url: str, unit: str, rate: float, seconds: float, photo: bytes | None, run: int
) -> tuple[list[Outcome], float]:
    """Reports arriving ``rate`` a second for ``seconds``, each from a new browser, however
    slow the answers; latency counts from the planned arrival (no coordinated omission)."""
    count = max(1, round(rate * seconds))
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def one(i: int, planned: float) -> None:
        delay = planned - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        browser = LeanBrowser(base_url, f"10.{100 + run}.{i // 250}.{i % 250 + 1}")
        outcome = browser.file(unit, photo, planned)
        with lock:
            outcomes.append(outcome)

    start = time.perf_counter() + 0.2
    with ThreadPoolExecutor(min(400, count)) as pool:
        for i in range(count):
            pool.submit(one, i, start + i / rate)
    return outcomes, time.perf_counter() - start


def floor_loop(base_url: str, path: str, clients: int, requests: int) -> tuple[list[float], float]:
    """``clients`` browsers each GETting ``path`` ``requests`` times; seconds each, wall."""
    browsers = [LeanBrowser(base_url, f"10.254.{i // 250}.{i % 250 + 1}") for i in range(clients)]

    def work(browser: LeanBrowser) -> list[float]:
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            status, _page = browser.request("GET", path)
            assert status == 200, (path, status)
            times.append(time.perf_counter() - start)
        return times

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        found = [t for batch in pool.map(work, browsers) for t in batch]
    return found, time.perf_counter() - start
