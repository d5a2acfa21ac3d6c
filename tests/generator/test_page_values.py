"""Citizen pages take deadlines and the hotline from the settings, never retyped (issue 14).

Changing the acceptance deadline from 15 to 10 days is one setting: the service counts with it
and the bundled "how to report" page says it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from feedback.config import from_env
from generator.content import enums, model, placeholders
from generator.content.placeholders import PAGE_VALUES, SETTING_VALUES
from generator.content.readers import read_content
from generator.pages.views import listings

from .site_helpers import FIXTURE, build_cli, soup

BUNDLED_PAGES = Path(__file__).resolve().parents[2] / "content" / "pages"


@pytest.fixture
def content(tmp_path) -> Path:
    """The fixture content with the bundled "how to report" page."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE, folder)
    shutil.copy(BUNDLED_PAGES / "how-to-report.md", folder / "pages" / "how-to-report.md")
    return folder


def _text(site: Path) -> str:
    return soup(site, "/pages/how-to-report/").get_text()


def test_one_setting_changes_the_deadline_on_the_page_and_in_the_service(tmp_path, content):
    env = {"YIMATONG_ACCEPT_DAYS": "10", "YIMATONG_HOTLINE": "0771-12369"}
    result = build_cli(tmp_path, content, tmp_path / "site", **env)
    assert result.exit_code == 0, result.output
    text = _text(tmp_path / "site")
    assert "10天内告诉您是否受理" in text and "15天" not in text
    assert "受理后60天内办结" in text and "不超过30天" in text
    assert "0771-12369" in text and "{{" not in text
    assert from_env(env)["ACCEPT_DAYS"] == 10


def test_a_changed_setting_rebuilds_the_page(tmp_path, content):
    assert build_cli(tmp_path, content, tmp_path / "site").exit_code == 0
    assert "15天内" in _text(tmp_path / "site")
    again = build_cli(tmp_path, content, tmp_path / "site", YIMATONG_CONCLUDE_DAYS="45")
    assert again.exit_code == 0, again.output
    assert "受理后45天内办结" in _text(tmp_path / "site")


@pytest.mark.parametrize(
    "written", ["{{ accept_day }}", "{{accpet_days}}", "{{ 受理天数 }}", "{{ }}"]
)
def test_an_unknown_placeholder_is_a_problem_naming_the_page(content, written):
    page = content / "pages" / "how-to-report.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n受理期限：{written}\n", encoding="utf-8")
    _site, problems = read_content(content)
    found = [p for p in problems if p.file == "pages/how-to-report.md"]
    assert len(found) == 1, problems
    assert "不是可用的设置" in found[0].message and written.replace(" ", "") in found[
        0
    ].message.replace(" ", "")
    assert all(name in found[0].message for name in SETTING_VALUES)


def test_every_page_value_is_a_declared_setting_or_the_expiring_window():
    from generator.settings import SETTINGS

    assert set(SETTING_VALUES) <= {s.name for s in SETTINGS}
    assert set(PAGE_VALUES) == {*SETTING_VALUES, "expiring_days", *placeholders.BADGE_VALUES}


def test_the_expiring_window_is_the_badges_own(tmp_path, content, monkeypatch):
    """Lists and pages state the window the badges apply, whatever it is (the law says 60)."""
    monkeypatch.setattr(enums, "EXPIRING_DAYS", 90)
    monkeypatch.setattr(placeholders, "EXPIRING_DAYS", 90)
    monkeypatch.setattr(listings, "EXPIRING_DAYS", 90)
    monkeypatch.setattr(model, "EXPIRING_DAYS", 90)
    result = build_cli(tmp_path, content, tmp_path / "site")
    assert result.exit_code == 0, result.output
    listing = soup(tmp_path / "site", "/permits/expiring/")
    assert "90日内到期的排污许可证" in listing.get_text() and "60日" not in listing.get_text()
    assert "90日内到期" in soup(tmp_path / "site", "/").get_text()
    assert "90天内到期" in soup(tmp_path / "site", "/pages/how-to-read/").get_text()


def test_a_changed_badge_text_reaches_the_badges_and_the_page_explaining_them(
    tmp_path, content, monkeypatch
):
    """Changing a permit badge's text is one edit (enums.PERMIT_STATE_LABELS)."""
    monkeypatch.setitem(enums.PERMIT_STATE_LABELS, "expiring", "临近到期")
    monkeypatch.setitem(placeholders.BADGE_VALUES, "badge_expiring", "临近到期")
    shutil.copy(BUNDLED_PAGES / "how-to-read.md", content / "pages" / "how-to-read.md")
    result = build_cli(tmp_path, content, tmp_path / "site")
    assert result.exit_code == 0, result.output
    guide = soup(tmp_path / "site", "/pages/how-to-read/").get_text()
    assert "临近到期" in guide and "即将到期" not in guide
    assert "临近到期" in soup(tmp_path / "site", "/permits/expiring/").get_text()
