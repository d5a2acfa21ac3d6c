"""The build benchmark runs end to end at a tiny size (its figures are not checked: the
machines are shared and noisy; bench/build_bench.py prints them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("cold", "warm", "floor", "sharded", "unchanged", "one", "daily")


def test_build_bench_prints_every_measurement(tmp_path):
    run = subprocess.run(
        [sys.executable, "bench/build_bench.py", "--units", "40", "--repeat", "2"]
        + ["--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for kind in KINDS:
        assert f"\n{kind} " in run.stdout
    assert "warm full / floor, pair by pair" in run.stdout
    assert "inodes" in run.stdout and "load " in run.stdout
    found = json.loads((tmp_path / "results-40.json").read_text())
    assert set(found) == {*KINDS, "inodes"}
    assert [len(found[k]) for k in KINDS] == [1, 2, 2, 2, 2, 2, 2]
    cold = found["cold"][0]
    assert cold["full"] and cold["rendered"] == cold["total"]
    assert all(r["rendered"] == 0 and r["phases"] == "fingerprint" for r in found["unchanged"])
    assert all(0 < r["rendered"] < cold["total"] and not r["full"] for r in found["one"])
    assert all(r["changed"] == 1 and not r["full"] for r in found["daily"])
    assert all(r["cpu_seconds"] > 0 and r["load_before"] >= 0 for r in found["warm"])
    assert found["floor"][0]["rendered"] > 0 and found["floor"][0]["load_seconds"] > 0
    assert found["inodes"][0]["inodes"] >= found["inodes"][0]["names"] / 10
    sharded = found["sharded"][0]
    assert sharded["rendered"] == cold["total"] and len(sharded["shards"]) >= 2
    assert all(r["peak_tree_sum_mb"] > 0 for r in found["warm"] + found["sharded"])
    assert "(tree, summed)" in run.stdout
