"""The build benchmark runs end to end at a tiny size (its figures are not checked: the
machines are shared and noisy; bench/build_bench.py prints them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("cold", "warm", "unchanged", "incremental", "incremental-noindex", "daily", "floor")


def test_build_bench_prints_every_measurement(tmp_path):
    run = subprocess.run(
        [sys.executable, "bench/build_bench.py", "--units", "40", "--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for kind in KINDS:
        assert f"\n{kind} " in run.stdout
    assert "warm full build / plain floor" in run.stdout
    figures = json.loads((tmp_path / "results-40.json").read_text())
    assert set(figures) == set(KINDS)
    assert figures["cold"]["full"] and figures["cold"]["rendered"] == figures["cold"]["total"]
    assert figures["unchanged"]["rendered"] == 0
    assert 0 < figures["incremental"]["rendered"] < figures["cold"]["total"]
    assert figures["daily"]["units_changed"] == 1 and not figures["daily"]["full"]
    assert figures["floor"]["rendered"] > 0 and figures["floor"]["load_seconds"] > 0
