"""Open data downloads: CSV with BOM, JSON Lines, data package, pages, determinism."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from bs4 import BeautifulSoup

from generator.opendata.cells import cell
from generator.opendata.downloads import TABLES, write_open_data


def _build(site, settings, out: Path) -> Path:
    write_open_data(site, out, settings)
    return out / "data"


def _csv(path: Path) -> list[dict]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_table_written_as_csv_and_jsonl_with_same_columns(site, settings, tmp_path):
    data = _build(site, settings, tmp_path)
    for table in TABLES:
        raw = (data / f"{table.name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a BOM so Excel reads UTF-8"
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        names = [c.name for c in table.columns]
        assert rows[0] == names
        lines = (data / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(rows) - 1
        for line in lines:
            assert list(json.loads(line)) == names
        assert "data_as_of" in names or "data_as_of_permit" in names


def test_rows_hold_the_records(site, settings, tmp_path):
    data = _build(site, settings, tmp_path)
    units = _csv(data / "units.csv")
    assert [u["fixed_source_code"] for u in units] == sorted(u.code for u in site.units)
    assert sorted(u["permit_state"] for u in units) == ["expired", "registered", "revoked", "valid"]
    assert all(u["url"].startswith("https://yimatong.example.cn/e/") for u in units)
    penalties = _jsonl(data / "penalties.jsonl")
    assert {p["amount"] for p in penalties} == {200000.0, 52000.5}
    assert {p["data_as_of"] for p in penalties} == {"2026-11-15"}
    monitoring = _csv(data / "monitoring.csv")
    assert [r["exceeds"] for r in monitoring] == ["false", "true"]
    assert monitoring[0]["limit_max"] == "100" and monitoring[0]["limit_min"] == ""
    outlets = _csv(data / "outlets.csv")
    assert [(o["outlet_code"], o["pollutant"]) for o in outlets] == [
        ("DA001", ""),
        ("DW001", "化学需氧量"),
        ("DW001", "pH值"),
    ]
    rect = _jsonl(data / "rectifications.jsonl")
    assert [r["overdue"] for r in rect] == [False, True]


def test_cell_formats():
    assert cell(None) == "" and cell(True) == "true" and cell(200000.0) == "200000"
    assert cell(0.1) == "0.1"


def test_data_package_lists_files_with_hashes_and_as_of(site, settings, tmp_path):
    data = _build(site, settings, tmp_path)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["data_as_of"] == "2026-11-20"
    assert len(package["resources"]) == 2 * len(TABLES)
    for res in package["resources"]:
        content = (data / res["path"]).read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert res["bytes"] == len(content)
        assert all(f["description"] for f in res["schema"]["fields"])


def test_downloads_and_dictionary_pages(site, settings, tmp_path):
    data = _build(site, settings, tmp_path)
    page = BeautifulSoup((data / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "2026-11-20" in page.select_one(".as-of").text
    links = {a["href"] for a in page.select("a[href]")}
    for table in TABLES:
        assert f"/data/{table.name}.csv" in links and f"/data/{table.name}.jsonl" in links
    assert "/feeds/penalties.atom" in links and "/data/dictionary/" in links
    for href in {h.split("#")[0] for h in links if h.startswith("/data/")}:
        target = tmp_path / href.lstrip("/")
        assert (target / "index.html" if href.endswith("/") else target).exists(), href
    dictionary = BeautifulSoup(
        (data / "dictionary" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    for table in TABLES:
        names = [c.text for c in dictionary.select(f"#{table.name} tbody th code")]
        assert names == [c.name for c in table.columns]
    assert dictionary.select_one("#unit-files")
    for html in (page, dictionary):
        assert not html.select("style, script, [style]"), "the CSP forbids inline style/script"


def test_same_content_same_bytes(site, settings, tmp_path):
    a, b = _build(site, settings, tmp_path / "a"), _build(site, settings, tmp_path / "b")
    for path in sorted(a.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (b / path.relative_to(a)).read_bytes(), path
