"""The data dictionary takes the codes and labels of enumerated columns from the model's enums.

A label changed in generator/content/enums.py shows in the dictionary page, in
datapackage.json and in the rows alike; nothing in the dictionary is retyped by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.content import enums
from generator.content.codes import OUTLET_ELEMENT_LABELS
from generator.opendata.downloads import TABLES, write_open_data
from generator.opendata.tables import labelled_texts

#: Every label table of the enums and where its codes must appear: (table, column).
WHERE = {
    "CATEGORY_LABELS": ("units", "category"),
    "PERMIT_STATE_LABELS": ("units", "permit_state_label"),
    "PERMIT_STATUS_LABELS": ("permits", "status"),
    "METHOD_LABELS": ("monitoring", "method"),
    "EXECUTION_LABELS": ("penalties", "execution"),
    "RECTIFICATION_LABELS": ("rectifications", "status"),
    "OUTLET_TYPE_LABELS": ("outlets", "type"),
}


def _column(table: str, name: str):
    found = next(t for t in TABLES if t.name == table)
    return next(c for c in found.columns if c.name == name)


def _dictionary(site, settings, out: Path) -> BeautifulSoup:
    write_open_data(site, out, settings)
    html = (out / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def _described(page: BeautifulSoup, table: str, name: str) -> str:
    for row in page.select(f"#{table} tbody tr"):
        if row.select_one("th code").get_text() == name:
            return row.select("td")[-1].get_text()
    raise AssertionError(f"{table}.{name} not in the dictionary")


def test_every_description_is_filled_in():
    for table in TABLES:
        for column in table.columns:
            assert "$" not in column.help, (table.name, column.name, column.help)


@pytest.mark.parametrize("name", sorted(WHERE))
def test_every_label_table_is_listed_in_full(name):
    table, column = WHERE[name]
    labels = getattr(enums, name)
    text = _column(table, column).help
    for code, label in labels.items():
        assert label in text, (name, code)
        if column != "permit_state_label":
            assert code in text, (name, code)


def test_outlet_kinds_come_from_the_code_table():
    text = _column("outlets", "kind").help
    assert text == "、".join(f"{k} {v}" for k, v in OUTLET_ELEMENT_LABELS.items())
    assert _column("outlets", "kind_label").help == "或".join(OUTLET_ELEMENT_LABELS.values())


def test_changed_badge_label_reaches_page_package_and_rows(site, settings, tmp_path, monkeypatch):
    monkeypatch.setitem(enums.PERMIT_STATE_LABELS, "expired", "已失效")
    monkeypatch.setitem(enums.EXECUTION_LABELS, "done", "执行完毕")
    monkeypatch.setitem(enums.RECTIFICATION_LABELS, "closed", "已整改销号")
    page = _dictionary(site, settings, tmp_path)
    assert "已失效" in _described(page, "units", "permit_state_label")
    assert "已过期" not in _described(page, "units", "permit_state_label")
    assert "done 执行完毕" in _described(page, "penalties", "execution")
    assert _described(page, "rectifications", "status_label") == "整改中或已销号".replace(
        "已销号", "已整改销号"
    )
    package = json.loads((tmp_path / "data" / "datapackage.json").read_text(encoding="utf-8"))
    units = next(r for r in package["resources"] if r["name"].startswith("units"))
    fields = {f["name"]: f["description"] for f in units["schema"]["fields"]}
    assert "已失效" in fields["permit_state_label"]
    rows = (tmp_path / "data" / "units.jsonl").read_text(encoding="utf-8").splitlines()
    shown = {json.loads(r)["permit_state_label"] for r in rows}
    assert "已失效" in shown and "已过期" not in shown


def test_expiring_window_in_the_permits_table_follows_the_model(monkeypatch):
    monkeypatch.setattr(enums, "EXPIRING_DAYS", 45)
    assert "expiring（45日内到期）" in _column("permits", "state").help
    assert "registered" not in labelled_texts()["permit_states_dated"]
