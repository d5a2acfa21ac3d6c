"""Lighthouse at mobile settings on a built unit page, with Debian's Chromium, on loopback.

Usage: .venv/bin/python bench/lighthouse.py [--site build/site] [--path /e/xx/code/]
                                            [--runs 3] [--server nginx|python]
Builds nothing: run `yimatong build` first. The site is served by Debian's nginx with the
configuration `yimatong nginx-config` writes (gzip, the production headers and cache rules;
TLS left out on loopback), or with `--server python` by Python's http.server (no
compression). Each run prints the four category scores (0-100) and the page's metrics; then
the median and range of each over the runs, the load average before and after, and the audits
that cost points in the last run. The full report of each run goes to
test-artifacts/lighthouse/report-N.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from generator.publish.nginx import NginxOptions, nginx_config  # noqa: E402
from tests.nginx_main import write_main  # noqa: E402

#: The metrics printed for each run (Lighthouse audit ids), in milliseconds except CLS.
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "speed-index",
    "total-blocking-time",
    "cumulative-layout-shift",
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No request log."""


def largest_unit_path(site: Path) -> str:
    """Site path of the largest unit page in a built site: the most content, the worst case."""
    pages = sorted(site.glob("e/*/*/index.html"), key=lambda p: (-p.stat().st_size, p))
    if not pages:
        sys.exit(f"{site} 里没有单位页面：请先运行 yimatong build")
    return "/" + pages[0].parent.relative_to(site).as_posix() + "/"


def failed_audits(report: Path, below: float = 0.9) -> list[str]:
    """Audits scoring under ``below`` that cost points, as "category: audit title"."""
    data = json.loads(report.read_text(encoding="utf-8"))
    found = []
    for name in CATEGORIES:
        for ref in data["categories"].get(name, {}).get("auditRefs", []):
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit.get("score") is not None and audit["score"] < below:
                found.append(f"{name}: {audit['title']} ({audit.get('displayValue', '')})")
    return found


def serve(site: Path) -> ThreadingHTTPServer:
    """Serve ``site`` on 127.0.0.1 on a free port in a background thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def loopback_config(site: Path, port: int) -> str:
    """The server block ``yimatong nginx-config`` writes for ``site``, listening on loopback
    ``port`` without TLS (no certificate on loopback; gzip, headers and types unchanged)."""
    # The service is not started: its proxied paths answer 502, the unit page needs none.
    settings = {"base_url": "https://127.0.0.1", "feedback_url": "http://127.0.0.1:9"}
    options = NginxOptions(listen=f"127.0.0.1:{port}", http_listen="", root=str(site))
    lines = nginx_config(settings, options).splitlines()
    kept = [line.replace(" ssl;", ";") for line in lines if not line.strip().startswith("ssl_")]
    return "\n".join(kept) + "\n"


@contextlib.contextmanager
def nginx(site: Path) -> Iterator[str]:
    """Debian's nginx serving ``site`` on loopback for the block; its address."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="lighthouse-nginx-") as folder:
        tmp = Path(folder)
        write_main(tmp, loopback_config(site.resolve(), port))
        command = [
            binary,
            "-p",
            str(tmp),
            "-e",
            str(tmp / "error.log"),
            "-c",
            str(tmp / "nginx.conf"),
        ]
        process = subprocess.Popen(command, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()


def _wait(url: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(
                process.stderr.read().decode() if process.stderr else "nginx stopped"
            )
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


@contextlib.contextmanager
def python_server(site: Path) -> Iterator[str]:
    """Python's http.server serving ``site`` on loopback (no compression); its address."""
    httpd = serve(site)
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def metrics(report: Path) -> dict[str, float]:
    """The page's metrics of one report (``METRICS``)."""
    audits = json.loads(report.read_text(encoding="utf-8"))["audits"]
    return {name: float(audits[name]["numericValue"]) for name in METRICS}


def compressed(url: str) -> str:
    """What the server answered for ``url`` asked with gzip: encoding and bytes sent."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback)
        body = answer.read()
        return f"{answer.headers.get('Content-Encoding') or 'identity'}, {len(body):,} bytes"


def run_lighthouse(
    url: str, report: Path, chromium: str, categories: tuple[str, ...] = CATEGORIES
) -> dict[str, int]:
    """Run npm's lighthouse on ``url`` at mobile settings; the scores of ``categories``."""
    report.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        "npx",
        "--no-install",
        "lighthouse",
        url,
        f"--chrome-path={chromium}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--only-categories=" + ",".join(categories),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)
    data = json.loads(report.read_text(encoding="utf-8"))
    return {c: round((data["categories"][c]["score"] or 0) * 100) for c in categories}


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):g} ({min(values):g}–{max(values):g})"


def main() -> None:
    """Command-line entry: serve the site, run lighthouse ``--runs`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--path", help="page to test; default: the largest unit page")
    parser.add_argument("--reports", type=Path, default=ROOT / "test-artifacts/lighthouse")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", choices=("nginx", "python"), default="nginx")
    args = parser.parse_args()
    path = args.path or largest_unit_path(args.site)
    server = nginx if args.server == "nginx" else python_server
    scores: list[dict[str, int]] = []
    measured: list[dict[str, float]] = []
    load_before = os.getloadavg()[0]
    with server(args.site) as base:
        url = base + path
        print(f"lighthouse (mobile) {url} served by {args.server}: {compressed(url)}")
        for number in range(1, args.runs + 1):
            report = args.reports / f"report-{number}.json"
            scores.append(run_lighthouse(url, report, args.chromium))
            measured.append(metrics(report))
            shown = " ".join(f"{k}={v}" for k, v in scores[-1].items())
            print(f"  run {number}: {shown}  load {os.getloadavg()[0]:.1f}")
    print(f"median of {args.runs} runs (range), load {load_before:.1f} → {os.getloadavg()[0]:.1f}:")
    for name in CATEGORIES:
        print(f"  {name:26} {_spread([s[name] for s in scores])}")
    for name in METRICS:
        values = [round(m[name], 3 if name.startswith("cumulative") else 0) for m in measured]
        print(f"  {name:26} {_spread(values)}")
    for line in failed_audits(report):
        print(f"  - {line}")


if __name__ == "__main__":
    main()
