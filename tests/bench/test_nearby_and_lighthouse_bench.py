"""The nearby benchmark runs end to end on the fixture, and the Lighthouse benchmark serves the
site through real nginx with the deployed configuration (gzip, headers); figures not checked."""

from __future__ import annotations

import gzip
import subprocess
import sys
import urllib.request
from pathlib import Path

from bench.lighthouse import largest_unit_path, loopback_config, nginx
from generator.build.run import build
from tests.generator.site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides

ROOT = Path(__file__).resolve().parents[2]


def test_nearby_bench_prints_every_measurement():
    run = subprocess.run(
        [sys.executable, "bench/nearby_bench.py", "--content", str(FIXTURE), "--repeat", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "4 units, 2 with coordinates" in run.stdout
    for name in ("floor (names, codes)", "grid", "every unit's list", "one page's list"):
        line = next(line for line in run.stdout.splitlines() if line.startswith(name))
        assert "3 runs" in line and "load" in line


def test_the_loopback_configuration_is_the_deployed_one_without_tls(tmp_path):
    conf = loopback_config(tmp_path, 8123)
    assert "listen 127.0.0.1:8123;" in conf and "ssl" not in conf
    assert "gzip on;" in conf and f"root {tmp_path};" in conf


def test_lighthouse_pages_are_served_by_nginx_compressed(tmp_path):
    with on_fixture_day():
        build(
            FIXTURE,
            tmp_path / "site",
            BASE_URL,
            jobs=1,
            progress=False,
            overrides=overrides(tmp_path),
        )
    path = largest_unit_path(tmp_path / "site")
    with nginx(tmp_path / "site") as base:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
            assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
            page = gzip.decompress(answer.read()).decode()
    assert page == (tmp_path / "site" / path.lstrip("/") / "index.html").read_text()
