"""Lighthouse at mobile settings on a built unit page, with Debian's Chromium, on loopback.

Usage: .venv/bin/python bench/lighthouse.py [--site build/site] [--path /e/xx/code/]
Builds nothing: run `yimatong build` first. Prints the four category scores (0-100), the audits that cost points, and
writes the full report to test-artifacts/lighthouse/report.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def main() -> None:
    """Command-line entry: serve the site, run lighthouse, print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--path", help="page to test; default: the largest unit page")
    parser.add_argument(
        "--report", type=Path, default=ROOT / "test-artifacts/lighthouse/report.json"
    )
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    httpd = serve(args.site)
    url = f"http://127.0.0.1:{httpd.server_address[1]}{args.path or largest_unit_path(args.site)}"
    try:
        scores = run_lighthouse(url, args.report, args.chromium)
    finally:
        httpd.shutdown()
    print(f"lighthouse (mobile) {url}")
    for name, score in scores.items():
        print(f"  {name:15} {score}")
    for line in failed_audits(args.report):
        print(f"  - {line}")


if __name__ == "__main__":
    main()
