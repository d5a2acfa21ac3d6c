"""The unit page's automatic monitoring and compliance history in Debian's Chromium at 360 px:
chart text whole and readable, the quarter strip inside the screen, and no sideways
scrolling at 200 % text (docs/monitoring.md, "Compliance history")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from generator import urls
from generator.build.run import build
from generator.content.readers import load_site
from tests.generator.site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides
from tests.monitoring.public_helpers import fill, hours

from .servers import SiteServer
from .test_unit_page_phone import KEY_UNIT, TEXT_BOXES


@pytest.fixture(scope="module")
def auto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("auto-phone")
    with on_fixture_day():
        unit = load_site(FIXTURE).unit(KEY_UNIT)
    assert unit is not None
    count = 24 * 100
    # Now and then far over every limit, so the charts have exceedance marks.
    values = [500.0 if n % 240 == 7 else 10.0 for n in range(count)]
    fill(tmp / "m.duckdb", hours(unit, dt.datetime(2026, 8, 1), count, values))
    with on_fixture_day():
        build(FIXTURE, tmp / "site", BASE_URL, jobs=1, progress=False,
              overrides=overrides(tmp, monitoring_db=str(tmp / "m.duckdb")))  # fmt: skip
    server = SiteServer(tmp / "site").start()
    yield server.url
    server.stop()


def test_daily_value_charts_are_whole_and_readable(phone, auto_url: str) -> None:
    phone.goto(auto_url + urls.unit_path(KEY_UNIT))
    assert phone.locator("section[aria-labelledby=h-auto] svg.chart").count() == 5
    for chart in phone.evaluate(TEXT_BOXES):
        for text in chart["texts"]:
            x0, y0, x1, y1 = text["box"]
            assert x0 >= 0 and x1 <= chart["width"] and y0 >= 0 and y1 <= chart["height"]
            assert text["px"] >= 14, f"{text['text']} 只有 {text['px']:.1f} px"


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_quarter_strip_stays_on_screen(phone, auto_url: str, text_size: str) -> None:
    phone.goto(auto_url + urls.unit_path(KEY_UNIT))
    phone.add_style_tag(content=f"html{{font-size:{text_size}}}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    cells = phone.evaluate(
        "[...document.querySelectorAll('ol.strip li')].map(li => {"
        "const r = li.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert len(cells) == 12
    assert all(left >= 0 and right <= 360 for left, right in cells)
    flagged = phone.locator("ol.strip li.flagged").count()
    assert flagged >= 1  # the exceedance days of the data's quarters
