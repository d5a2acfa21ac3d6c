"""The ledger benchmark runs end to end at a tiny size (figures not checked: shared machines)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ledger_bench_prints_every_measurement(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "bench/ledger.py",
            "--items",
            "300",
            "--units",
            "20",
            "--runs",
            "2",
            "--work",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads((tmp_path / "results-ledger.json").read_text())
    assert "floor: SELECT COUNT(*)" in figures and "export to the build" in figures
    assert "CSV: one city" in figures and len([k for k in figures if k.startswith("page")]) == 3
    assert all(f["p95"] >= f["median"] > 0 for f in figures.values())
    for name in figures:
        assert name in run.stdout
    exported = json.loads((tmp_path / "ledger.json").read_text())
    assert len(exported["items"]) == 300
