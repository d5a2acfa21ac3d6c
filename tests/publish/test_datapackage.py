"""The data package as frictionless reads it: valid, keyed, licensed, dated from the content."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from frictionless import Package, system

from generator.opendata.datapackage import KEYS, LICENSE
from generator.opendata.downloads import TABLES, write_open_data

BASE = "https://yimatong.example.cn"
#: The golden build of the fixture content: real content's package, checked in.
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "expected" / "data"


def _build(site, settings, out: Path) -> Path:
    write_open_data(site, out, settings)
    return out / "data"


def _validate(folder: Path):
    with system.use_context(trusted=True):
        return Package(str(folder / "datapackage.json")).validate()


def _errors(report) -> list[tuple[str, str]]:
    return [(e[0], e[1]) for e in report.flatten(["type", "note"])]


def test_frictionless_finds_the_package_valid(site, settings, tmp_path):
    data = _build(site, settings, tmp_path)
    report = _validate(data)
    assert report.valid, _errors(report)
    assert len(report.tasks) == 2 * len(TABLES)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    counted = {task.name: task.stats["rows"] for task in report.tasks}
    assert counted == {r["name"]: r["rows"] for r in package["resources"]}


def test_frictionless_finds_the_golden_package_valid():
    report = _validate(GOLDEN)
    assert report.valid, _errors(report)


def test_terms_dates_and_encodings(site, settings, tmp_path):
    package = json.loads((_build(site, settings, tmp_path) / "datapackage.json").read_text())
    assert package["licenses"] == [LICENSE] and LICENSE["name"] == "CC0-1.0"
    assert f"{BASE}/data/" in package["attribution"] and "2026-11-20" in package["attribution"]
    assert package["created"] == "2026-11-20T00:00:00+08:00"
    assert package["version"] == "2026.11.20"
    for resource in package["resources"]:
        assert resource["encoding"] == "utf-8"
        if resource["format"] == "csv":
            assert resource["dialect"]["bom"] is True
            assert resource["dialect"]["lineTerminator"] == "\r\n"
        else:
            assert "dialect" not in resource


def test_created_follows_the_content_not_the_clock(site, settings, tmp_path):
    day = dt.date(2025, 3, 9)
    older = tuple(
        dataclasses.replace(
            u,
            data_as_of=dataclasses.replace(
                u.data_as_of, permit=day, monitoring=day, enforcement=day
            ),
        )
        for u in site.units
    )
    data = _build(dataclasses.replace(site, units=older), settings, tmp_path)
    package = json.loads((data / "datapackage.json").read_text())
    assert (package["created"], package["version"]) == ("2025-03-09T00:00:00+08:00", "2025.3.9")


def test_keys_join_unit_outlet_monitoring_and_penalty(site, settings, tmp_path):
    package = json.loads((_build(site, settings, tmp_path) / "datapackage.json").read_text())
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    assert schemas["units-csv"]["primaryKey"] == ["fixed_source_code"]
    for fmt in ("csv", "jsonl"):
        links = {
            (name.rsplit("-", 1)[0], fk["reference"]["resource"])
            for name, schema in schemas.items()
            if name.endswith(fmt)
            for fk in schema["foreignKeys"]
        }
        assert {
            ("outlets", f"units-{fmt}"),
            ("monitoring", f"outlets-{fmt}"),
            ("monitoring", f"units-{fmt}"),
            ("penalties", f"units-{fmt}"),
        } <= links
    from generator.opendata.automatic import monitoring_tables
    from generator.pages.automatic import PublicMonitoring

    # The automatic-monitoring tables exist when the build has monitoring data.
    everything = TABLES + monitoring_tables(PublicMonitoring({"x": None}, ()))  # type: ignore[dict-item]
    assert set(KEYS) == {t.name for t in everything}
    for table in everything:
        assert set(KEYS[table.name].primary) <= set(table.names)


def _tamper(folder: Path, name: str, edit) -> None:
    """Change one CSV file and drop its size and hash from the descriptor."""
    path = folder / name
    path.write_bytes(edit(path.read_bytes()))
    descriptor = json.loads((folder / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["path"] == name:
            for stale in ("bytes", "hash", "rows"):
                resource.pop(stale)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))


@pytest.mark.parametrize(
    ("name", "edit", "error"),
    [
        ("monitoring.csv", lambda raw: raw.replace(b",DW001,", b",DW999,", 1), "foreign-key"),
        ("penalties.csv", lambda raw: raw.replace(b"\r\n9", b"\r\n8", 1), "foreign-key"),
        ("units.csv", lambda raw: raw + raw.split(b"\r\n")[1] + b"\r\n", "primary-key"),
    ],
)
def test_broken_keys_are_found(site, settings, tmp_path, name, edit, error):
    data = _build(site, settings, tmp_path)
    _tamper(data, name, edit)
    report = _validate(data)
    assert error in {kind for kind, _ in _errors(report)}, _errors(report)


def test_downloads_page_states_the_terms(site, settings, tmp_path):
    data = _build(site, settings, tmp_path)
    page = BeautifulSoup((data / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = page.select_one('#license a[rel="license"]')
    assert link["href"] == LICENSE["path"]
    package = json.loads((data / "datapackage.json").read_text())
    assert page.select_one("#license q.attribution").get_text() == package["attribution"]
