"""The sample content names a data logger at each automatically monitored outlet, and frames
built for those MNs import against it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.content.model import Method
from generator.content.readers import load_site
from generator.monitoring.builder import WATER, hourly_frames, write_frames
from generator.monitoring.importer import import_files, outlets_of
from generator.monitoring.store import Store
from generator.sample import write_sample


def test_sample_outlets_carry_unique_mns_and_their_data_imports(tmp_path: Path) -> None:
    write_sample(tmp_path / "content", 120, seed=5)
    site = load_site(tmp_path / "content")  # the MN checks pass (form, unique)
    automatic = [
        o for u in site.units for o in u.outlets
        if any(p.method is Method.AUTOMATIC for p in o.pollutants)
    ]  # fmt: skip
    assert automatic and all(o.mn for o in automatic)
    assert all(not o.mn for u in site.units for o in u.outlets if o not in automatic)
    outlets = outlets_of(site)
    mn = sorted(outlets)[0]
    path = write_frames(tmp_path / "d.txt", hourly_frames(mn, dt.datetime(2026, 5, 1), 24, WATER))
    with Store(tmp_path / "m.duckdb") as store:
        summary = import_files([path], store, outlets, dt.datetime(2026, 6, 1))
        assert summary.new == 96 and not summary.rejects
        assert store.query("SELECT DISTINCT unit_code, outlet FROM readings") == [outlets[mn]]
