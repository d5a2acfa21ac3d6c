"""The search quality benchmark runs end to end at a small size (300 units: enough for
penalties to search for), over HTTP through gunicorn in processes of its own
(``--server gunicorn``); its figures are not checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_search_quality_over_gunicorn_prints_every_figure(tmp_path):
    run = subprocess.run(
        [sys.executable, "bench/search_quality.py", "--units", "300", "--per-kind", "2"]
        + ["--runs", "1", "--http", "--server", "gunicorn"]
        + ["--content", str(tmp_path / "content"), "--index", str(tmp_path / "index")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    for line in ("content loaded in", "index built in", "index opened in", "| 全称 |"):
        assert line in run.stdout
    for line in ("first queries on a fresh service", "HTTP, every case", "HTTP floor"):
        assert line in run.stdout
    assert "load average" in run.stdout
