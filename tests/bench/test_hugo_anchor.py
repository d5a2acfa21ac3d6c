"""The Hugo anchor renders a page for every unit and outlet page of a built site, at the same
paths, from the units' data.json (its figures are not checked)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build.run import build
from tests.generator.site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("hugo") is None, reason="Debian's hugo is not installed")
def test_hugo_renders_every_unit_and_outlet_page(tmp_path):
    with on_fixture_day():
        build(FIXTURE, tmp_path / "site", BASE_URL, jobs=1, progress=False,
              overrides=overrides(tmp_path))  # fmt: skip
    subprocess.run(
        [sys.executable, "bench/hugo_anchor.py", str(tmp_path), "--repeat", "1"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    public = tmp_path / "hugo" / "public"
    built = sorted(
        p.relative_to(tmp_path / "site") for p in (tmp_path / "site/e").rglob("index.html")
    )
    assert sorted(p.relative_to(public) for p in (public / "e").rglob("index.html")) == built
    for data in (tmp_path / "site" / "e").glob("*/*/data.json"):
        unit = json.loads(data.read_text(encoding="utf-8"))
        page = public / data.parent.relative_to(tmp_path / "site") / "index.html"
        heading = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("h1")
        assert heading is not None and heading.get_text() == unit["name"]
    runs = json.loads((tmp_path / "results-hugo.json").read_text())
    assert len(runs) == 1 and runs[0]["rendered"] == len(built)
