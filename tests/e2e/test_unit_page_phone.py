"""The unit page in Debian's Chromium at 360 px: charts' text whole and readable, the limit
legend clear of the data, no sideways scrolling at 200 % text, tables as cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import urls
from generator.build.run import build
from generator.pages.charts import line_chart
from tests.generator.site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides

from .servers import SiteServer

KEY_UNIT = "91450126MA5L3K2R5Q001P"
#: Every text box of every chart, in chart units and in CSS pixels on screen.
TEXT_BOXES = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.viewBox.baseVal, scale = svg.getScreenCTM().a;
  const rect = el => { const b = el.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  return {width: box.width, height: box.height,
    texts: [...svg.querySelectorAll('text')].map(t => ({text: t.textContent, box: rect(t),
      px: parseFloat(t.getAttribute('font-size')) * scale})),
    legend: [...svg.querySelectorAll('text.legend')].map(rect),
    marks: [...svg.querySelectorAll('.point, .exceed, .nd, .series')].map(rect)};
})"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("phone-site")
    with on_fixture_day():
        build(FIXTURE, tmp / "site", BASE_URL, jobs=1, progress=False, overrides=overrides(tmp))
    server = SiteServer(tmp / "site").start()
    yield server.url
    server.stop()


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def chart_boxes(phone, site_url: str, path: str) -> list[dict]:
    phone.goto(site_url + path)
    return phone.evaluate(TEXT_BOXES)


@pytest.mark.parametrize("path", [urls.unit_path(KEY_UNIT), urls.outlet_path(KEY_UNIT, "DW001")])
def test_chart_text_is_whole_readable_and_clear_of_the_data(phone, site_url: str, path: str):
    charts = chart_boxes(phone, site_url, path)
    assert charts
    for chart in charts:
        for text in chart["texts"]:
            x0, y0, x1, y1 = text["box"]
            assert x0 >= 0 and x1 <= chart["width"], f"{text['text']} 被裁掉"
            assert y0 >= 0 and y1 <= chart["height"], f"{text['text']} 被裁掉"
            assert text["px"] >= 14, f"{text['text']} 只有 {text['px']:.1f} px"
        for legend in chart["legend"]:
            assert not [m for m in chart["marks"] if overlaps(legend, m)]


def test_page_reflows_at_200_percent_text(phone, site_url: str):
    phone.goto(site_url + urls.unit_path(KEY_UNIT))
    phone.add_style_tag(content="html{font-size:200%}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    size = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size == 32, "body text follows the reader's text size"


def test_summary_is_on_the_first_screen(phone, site_url: str):
    phone.goto(site_url + urls.unit_path(KEY_UNIT))
    top = phone.evaluate("document.querySelector('section.summary').getBoundingClientRect().top")
    assert top < 740
    # The page's whole length: every section laid out (off-screen ones wait otherwise,
    # content-visibility: auto, and count with an estimate).
    phone.add_style_tag(content="main article>section{content-visibility:visible!important}")
    height = phone.evaluate("document.documentElement.scrollHeight")
    # 4,741 px before the 12-quarter compliance history (about 385 px); then the menu's ledger
    # and draws links and the follow line (about 90 px); then the nearby units' section and the
    # menu's 举报与查询 link, one header for site and service (5,376 px); then each quarter's
    # confirmed warnings (5,512 px) (docs/pages.md).
    assert height < 5600, "no taller than with the quarters' confirmed warnings (docs/pages.md)"


@pytest.mark.parametrize(
    "values", [[251.35, 80.0, 300.1], [123456.789, 5.0], [0.0042, 0.001, 0.0061], [-12.5, 3.0]]
)
def test_any_chart_shows_its_labels_whole(phone, values: list[float]):
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=40 * i) for i in range(len(values))]
    limit = max(values) * 0.8
    svg = line_chart(
        list(zip(days, values, strict=True)), [limit], "t", "c", [v > limit for v in values]
    )
    phone.set_content(f'<!doctype html><div id="col">{svg}</div>')
    phone.add_style_tag(content="#col{width:336px} .chart{display:block}")
    for chart in phone.evaluate(TEXT_BOXES):
        for text in chart["texts"]:
            x0, _, x1, _ = text["box"]
            assert x0 >= 0 and x1 <= chart["width"], f"{text['text']} 被裁掉"
        for legend in chart["legend"]:
            assert not [m for m in chart["marks"] if overlaps(legend, m)]


CARD_PAGES = [
    "/penalties/",
    urls.unit_path(KEY_UNIT),
    urls.outlet_path(KEY_UNIT, "DW001"),
    "/permits/expired/",
]
#: Each card cell's width and each unbreakable code's line count, on the page shown.
CARD_LAYOUT = """() => ({
  cells: [...document.querySelectorAll('table.cards td')].map(td => ({
    text: td.textContent.trim().slice(0, 20), width: td.getBoundingClientRect().width,
    display: getComputedStyle(td).display})),
  codes: [...document.querySelectorAll('.nobr')].map(el => ({
    text: el.textContent, lines: new Set([...el.getClientRects()].map(r => r.top)).size})),
  wide: document.documentElement.scrollWidth})"""


@pytest.mark.parametrize("path", CARD_PAGES)
def test_tables_become_cards_at_360_px(phone, site_url: str, path: str):
    phone.goto(site_url + path)
    layout = phone.evaluate(CARD_LAYOUT)
    assert layout["wide"] <= 360
    for cell in layout["cells"]:
        assert cell["display"] == "block" and cell["width"] >= 280, cell
    for code in layout["codes"]:
        assert code["lines"] == 1, f"{code['text']} 被折断"


def test_tables_stay_tables_on_a_desktop(desktop, site_url: str):
    desktop.goto(site_url + "/penalties/")
    cells = desktop.evaluate(CARD_LAYOUT)["cells"]
    assert cells and {c["display"] for c in cells} == {"table-cell"}


def test_printed_unit_page_is_a_clean_record(phone, site_url: str, tmp_path: Path):
    import pymupdf

    phone.goto(site_url + urls.unit_path(KEY_UNIT))
    folded = phone.locator("details.fold table tbody tr").first
    assert not folded.is_visible(), "folded on screen"
    assert not phone.locator(".print-meta").is_visible()
    phone.emulate_media(media="print")
    assert folded.is_visible(), "every folded table prints"
    for hidden in (".site-header nav", ".site-header .search", "nav.toc", ".button-report"):
        assert not phone.locator(hidden).first.is_visible(), hidden
    pdf = tmp_path / "unit.pdf"
    phone.pdf(path=str(pdf))
    text = "".join(page.get_text() for page in pymupdf.open(pdf))
    rows = phone.locator("details.fold tbody td:first-child").all_inner_texts()
    assert rows and all(r.strip() in text for r in rows)
    assert f"本页地址 {BASE_URL}{urls.unit_path(KEY_UNIT)}" in text
    assert "数据截至 2026-11-20" in text
    assert "按行业" not in text and "我要举报" not in text
