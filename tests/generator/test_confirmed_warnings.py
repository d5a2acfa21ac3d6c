"""Confirmed monitoring warnings on the unit page: the ledger items an officer opened by
confirming a warning (source ``monitoring`` in the service's ledger export) are counted in the
12-quarter compliance history by the quarter they were confirmed and listed as findings in the
officer's words; nothing else of the ledger is counted there, and a changed finding redoes
the unit's page and no other unit's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import clock, urls
from generator.build.run import build

from .site_helpers import BASE_URL, FIXTURE, FIXTURE_DAY, overrides, soup
from .test_ledger_pages import KEY_UNIT, YULIN_UNIT, item, write_ledger

TITLE = "自动监控超过排放限值（化学需氧量，2026-10-03T10:00 至 2026-10-03T13:00）"
ACTION = "查明超标原因，十日内报送整改报告"


def _items() -> list[dict]:
    """Two confirmed warnings of the key unit (Q4 open, Q3 closed) and an inspection's item."""
    return [
        item(
            "L2026-000011",
            source="monitoring",
            found_on="2026-10-05",
            title=TITLE,
            action=ACTION,
            due_on="2026-12-05",
        ),  # fmt: skip
        item(
            "L2026-000012",
            source="monitoring",
            found_on="2026-08-03",
            due_on="2026-08-30",
            state="closed",
            closed_on="2026-08-20",
            title="自动监控数据中断（氨氮）",
        ),  # fmt: skip
        item("L2026-000013", found_on="2026-08-04", due_on="2026-09-04"),
    ]


def _build(out: Path, tmp: Path, ledger: Path | None, day: dt.date = FIXTURE_DAY):
    conf = overrides(tmp, ledger_file=str(ledger) if ledger else "")
    with clock.travel(day):
        return build(FIXTURE, out, BASE_URL, jobs=1, progress=False, overrides=conf)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("confirmed-site")
    _build(tmp / "site", tmp, write_ledger(tmp / "ledger.json", _items()))
    return tmp / "site"


def _confirmed(page) -> dict[str, str]:
    return {
        li.select_one(".q-label").get_text(): li.select_one(".q-confirmed").get_text()
        for li in page.select("ol.strip li")
    }


def test_the_strip_counts_confirmed_warnings_by_the_quarter_confirmed(built) -> None:
    page = soup(built, urls.unit_path(KEY_UNIT))
    cells = _confirmed(page)
    assert len(cells) == 12
    assert cells["2026 Q4"] == "预警确认 1 条" and cells["2026 Q3"] == "预警确认 1 条"
    assert all(v == "预警确认 无" for k, v in cells.items() if k not in ("2026 Q3", "2026 Q4"))
    q3 = next(li for li in page.select("ol.strip li") if "2026 Q3" in li.get_text())
    assert "flagged" in q3["class"]


def test_the_unit_page_lists_the_findings_in_the_officers_words(built) -> None:
    page = soup(built, urls.unit_path(KEY_UNIT))
    findings = page.select("section.findings li.finding")
    assert [li.select_one("a")["href"] for li in findings] == [
        "#ledger-L2026-000011",
        "#ledger-L2026-000012",
    ]
    first = findings[0].get_text()
    assert TITLE in first and ACTION in first and "2026-10-05 确认" in first
    assert "已销号" in findings[1].get_text()
    # Each link leads to its row of the ledger section; the inspection's item is no finding.
    assert page.select_one("#ledger-L2026-000011") is not None
    assert "L2026-000013" not in page.select_one("section.findings").get_text()


def test_units_without_confirmed_warnings_show_none(built) -> None:
    page = soup(built, urls.unit_path(YULIN_UNIT))
    assert page.select_one("section.findings") is None
    assert set(_confirmed(page).values()) == {"预警确认 无"}


def test_a_new_confirmed_warning_redoes_the_units_page_only(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path / "ledger.json", _items()[1:])
    out = tmp_path / "site"
    _build(out, tmp_path, ledger)
    other = out / urls.unit_path(YULIN_UNIT).lstrip("/") / "index.html"
    mine = out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html"
    before = other.stat().st_mtime_ns, mine.stat().st_mtime_ns
    assert _confirmed(soup(out, urls.unit_path(KEY_UNIT)))["2026 Q4"] == "预警确认 无"
    write_ledger(ledger, _items())
    second = _build(out, tmp_path, ledger)
    assert not second.full
    assert other.stat().st_mtime_ns == before[0] and mine.stat().st_mtime_ns != before[1]
    page = soup(out, urls.unit_path(KEY_UNIT))
    assert _confirmed(page)["2026 Q4"] == "预警确认 1 条"
    assert len(page.select("section.findings li.finding")) == 2
