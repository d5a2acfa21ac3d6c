"""Results below the detection limit (ND, 未检出, <0.5, 0.5L): read, judged, shown, published."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator import urls
from generator.build.run import build
from generator.content.model import Measurement, OutletPollutant
from generator.content.readers import read_content
from generator.content.results import Judgement, judge, verdict
from generator.content.validate import validate

from .jsonl import jsonable
from .site_helpers import BASE_URL, FIXTURE, overrides, soup

KEY = "91450126MA5L3K2R5Q001P"
TODAY = dt.date(2026, 12, 1)
D = dt.date(2026, 7, 31)


def copy(tmp: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp / "content"))


def edit(content: Path, change) -> None:
    path = content / "units" / f"{KEY}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def series(data: dict, outlet: str, pollutant: str) -> dict:
    return next(
        s for s in data["monitoring"] if (s["outlet"], s["pollutant"]) == (outlet, pollutant)
    )


def with_results(data: dict) -> None:
    """ND results of every kind on the fixture's key unit (limits: COD ≤100, SO2 ≤200, pH 6–9)."""
    cod = series(data, "DW001", "化学需氧量")
    cod["detection_limit"] = 4
    cod["values"][D] = "ND"  # within: 4 ≤ 100
    series(data, "DA001", "二氧化硫")["values"][D] = "250L"  # cannot be judged: 250 > 200
    series(data, "DW001", "pH值")["values"][dt.date(2026, 7, 15)] = "<0.01"  # lower limit
    data["monitoring"].append(
        {
            "outlet": "DW001",
            "pollutant": "氨氮",
            "unit": "mg/L",
            "method": "automatic",
            "detection_limit": 0.025,
            "values": {
                dt.date(2026, 5, 31): "<0.025",
                dt.date(2026, 6, 30): "0.025L",
                D: "未检出",
                dt.date(2026, 8, 31): 16.2,  # a real exceedance beside them
                dt.date(2026, 9, 30): "15L",  # detection limit equal to the limit: within
            },
        }
    )


def problems_of(content: Path) -> list:
    site, problems = read_content(content)
    return problems + validate(site, today=TODAY)


# -- judging ------------------------------------------------------------------------------

COD = OutletPollutant("化学需氧量", "mg/L", limit_max=100)
PH = OutletPollutant("pH值", "无量纲", limit_max=9, limit_min=6)
FLOW = OutletPollutant("流量", "m³/d")


def nd(limit: float) -> Measurement:
    return Measurement("DW001", "x", D, None, "mg/L", detection_limit=limit)


def measured(value: float) -> Measurement:
    return Measurement("DW001", "x", D, value, "mg/L")


@pytest.mark.parametrize(
    ("pollutant", "result", "expected"),
    [
        (COD, nd(4), Judgement.WITHIN),
        (COD, nd(100), Judgement.WITHIN),
        (COD, nd(100.5), Judgement.NOT_JUDGED),
        (COD, nd(1e6), Judgement.NOT_JUDGED),
        (PH, nd(0.01), Judgement.NOT_JUDGED),
        (FLOW, nd(1), Judgement.NO_LIMIT),
        (None, nd(1), Judgement.NO_LIMIT),
        (COD, measured(100), Judgement.WITHIN),
        (COD, measured(100.1), Judgement.EXCEEDS),
        (PH, measured(5.9), Judgement.EXCEEDS),
        (FLOW, measured(1e9), Judgement.NO_LIMIT),
    ],
)
def test_judgement(pollutant, result, expected):
    assert judge(pollutant, result) is expected
    assert judge(pollutant, result).exceeds is not True or result.detected


def test_not_detected_is_never_an_exceedance_whatever_the_limit():
    for limit in (0.001, 1, 99.9, 100, 100.001, 1e12):
        for pollutant in (COD, PH, FLOW):
            assert judge(pollutant, nd(limit)) is not Judgement.EXCEEDS


def test_texts():
    assert nd(0.5).text == "未检出 (检出限 0.5)" and measured(48.3).text == "48.3"
    assert verdict(COD, nd(120), Judgement.NOT_JUDGED) == "无法判定（检出限 120 高于限值 100）"
    assert "下限 6" in verdict(PH, nd(0.1), Judgement.NOT_JUDGED)
    assert verdict(COD, nd(4), Judgement.WITHIN) == "达标"


# -- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "series_limit", "limit"),
    [
        ("ND", 4, 4),
        ("nd", 4, 4),
        ("未检出", 4, 4),
        ("<0.5", None, 0.5),
        ("＜0.5", None, 0.5),
        ("< 0.5", 4, 0.5),  # a result's own limit wins over the series'
        ("0.5L", None, 0.5),
        (" 0.5 L ", None, 0.5),
        ("2e-3L", None, 0.002),
    ],
)
@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
def test_accepted_forms(tmp_path, written, series_limit, limit, as_jsonl):
    content = copy(tmp_path)

    def change(data):
        cod = series(data, "DW001", "化学需氧量")
        cod["values"][D] = written
        if series_limit is not None:
            cod["detection_limit"] = series_limit

    edit(content, change)
    if as_jsonl:
        to_jsonl(content)
    site, problems = read_content(content)
    assert problems == [] and validate(site, today=TODAY) == []
    found = [m for m in site.unit(KEY).measurements if m.date == D]
    assert [(m.value, m.detection_limit) for m in found] == [(None, limit)]


def to_jsonl(content: Path) -> None:
    path = content / "units" / f"{KEY}.yaml"
    data = jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    path.unlink()
    line = json.dumps(data, ensure_ascii=False)
    (content / "units" / "export.jsonl").write_text("\n" + line + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "series_limit", "field", "words"),
    [
        ("ND", None, "values.2026-07-31", "须给出检出限"),
        ("未检出", None, "values.2026-07-31", "detection_limit"),
        ("0.5l", None, "values.2026-07-31", "0.5L"),
        ("0,5L", None, "values.2026-07-31", "应为数字"),
        ("<0", None, "values.2026-07-31", "大于 0"),
        ("0L", None, "values.2026-07-31", "大于 0"),
        ("<-1", None, "values.2026-07-31", "应为数字"),
        ("1e999L", None, "values.2026-07-31", "有限"),
        ("低于检出限", None, "values.2026-07-31", "应为数字"),
        ("48.3", None, "values.2026-07-31", "应为数字"),
        (1.5, 4, "values.2026-07-31", "低于本序列的检出限 4"),
        ("ND", -1, "detection_limit", "大于 0"),
        ("ND", 0, "detection_limit", "大于 0"),
        ("ND", "0.5", "detection_limit", "大于 0"),
        ("ND", float("nan"), "detection_limit", "大于 0"),
    ],
)
@pytest.mark.parametrize("as_jsonl", [False, True], ids=["yaml", "jsonl"])
def test_refused_forms(tmp_path, written, series_limit, field, words, as_jsonl):
    content = copy(tmp_path)

    def change(data):
        cod = series(data, "DW001", "化学需氧量")
        cod["values"][D] = written
        if series_limit is not None:
            cod["detection_limit"] = series_limit

    edit(content, change)
    if as_jsonl:
        to_jsonl(content)
    found = [p for p in problems_of(content) if p.field == f"monitoring[1].{field}"]
    assert found and words in found[0].message, [str(p) for p in problems_of(content)]
    assert found[0].record == KEY
    assert found[0].file == ("units/export.jsonl" if as_jsonl else f"units/{KEY}.yaml")
    assert found[0].line == (2 if as_jsonl else None)


# -- publishing ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nd")
    content = copy(tmp)
    edit(content, with_results)
    build(content, tmp / "site", BASE_URL, jobs=1, progress=False, overrides=overrides(tmp))
    return tmp / "site"


def table_rows(page, outlet: str, pollutant: str) -> dict[str, tuple[str, str]]:
    """Date -> (shown value, verdict) in the table of one series."""
    for section in page.select("section.series"):
        if section.select_one("h3").get_text().startswith(f"{outlet} {pollutant}"):
            rows = section.select("tbody tr")
            return {
                r.select("td")[0].get_text(): (
                    r.select("td")[1].get_text(),
                    r.select("td")[2].get_text(),
                )
                for r in rows
            }
    raise AssertionError(f"no series {outlet} {pollutant}")


def test_unit_page_tables(built):
    page = soup(built, urls.unit_path(KEY))
    cod = table_rows(page, "DW001", "化学需氧量")
    assert cod["2026-07-31"] == ("未检出 (检出限 4)", "达标")
    so2 = table_rows(page, "DA001", "二氧化硫")
    assert so2["2026-07-31"] == ("未检出 (检出限 250)", "无法判定（检出限 250 高于限值 200）")
    ph = table_rows(page, "DW001", "pH值")
    assert ph["2026-07-15"][1].startswith("无法判定")
    nh3 = table_rows(page, "DW001", "氨氮")
    assert nh3["2026-05-31"] == ("未检出 (检出限 0.025)", "达标")
    assert nh3["2026-09-30"] == ("未检出 (检出限 15)", "达标")
    assert nh3["2026-08-31"] == ("16.2", "超标")


def test_exceedance_counts_and_charts(built):
    page = soup(built, urls.unit_path(KEY))
    heads = {s.select_one("h3").get_text(): s for s in page.select("section.series")}
    nh3 = next(s for h, s in heads.items() if h.startswith("DW001 氨氮"))
    assert nh3.select_one("h3 .flag").get_text() == "超标 1 次"
    assert len(nh3.select("tr.exceed")) == 1 and len(nh3.select("tr.nd")) == 4
    chart = nh3.select_one("svg.chart")
    assert len(chart.select("polygon.nd")) == 4 and len(chart.select("rect.exceed")) == 1
    assert "未检出 4 次" in chart.select_one("title").get_text()
    assert len(chart.select_one("polyline")["points"].split()) == 1  # only the measured value
    so2 = next(s for h, s in heads.items() if h.startswith("DA001 二氧化硫"))
    assert so2.select_one("h3 .flag") is None  # no exceedance: 250L is not one
    assert "无法判定 1 次" in so2.select_one("svg.chart title").get_text()
    outlet = soup(built, urls.outlet_path(KEY, "DW001"))
    assert table_rows(outlet, "DW001", "化学需氧量")["2026-07-31"][0] == "未检出 (检出限 4)"


def test_unit_csv_and_json(built):
    folder = built / urls.unit_path(KEY).lstrip("/")
    rows = list(csv.DictReader(io.StringIO((folder / "data.csv").read_bytes().decode("utf-8-sig"))))
    by_key = {(r["排放口编号"], r["污染物"], r["日期"]): r for r in rows}
    cod = by_key[("DW001", "化学需氧量", "2026-07-31")]
    assert (cod["监测值"], cod["未检出"], cod["检出限"], cod["是否超标"]) == ("", "是", "4", "否")
    so2 = by_key[("DA001", "二氧化硫", "2026-07-31")]
    assert so2["是否超标"] == "无法判定"
    measured_row = by_key[("DW001", "氨氮", "2026-08-31")]
    assert (measured_row["监测值"], measured_row["未检出"], measured_row["检出限"]) == (
        "16.2",
        "否",
        "",
    )
    record = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    found = [
        m for m in record["measurements"] if m["date"] == "2026-07-31" and m["outlet"] == "DW001"
    ]
    assert {(m["pollutant"], m["value"], m["detection_limit"]) for m in found} == {
        ("化学需氧量", None, 4),
        ("氨氮", None, 0.025),
    }


def test_open_data(built):
    text = (built / "data" / "monitoring.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    cod = next(r for r in rows if r["pollutant"] == "化学需氧量" and r["date"] == "2026-07-31")
    assert (cod["value"], cod["below_detection_limit"], cod["detection_limit"], cod["exceeds"]) == (
        "",
        "true",
        "4",
        "false",
    )
    so2 = next(r for r in rows if r["pollutant"] == "二氧化硫" and r["date"] == "2026-07-31")
    assert so2["exceeds"] == "" and so2["detection_limit"] == "250"
    lines = [json.loads(x) for x in (built / "data" / "monitoring.jsonl").read_text().splitlines()]
    nh3 = [x for x in lines if x["pollutant"] == "氨氮"]
    assert [x["exceeds"] for x in nh3] == [False, False, False, True, False]
    assert [x["below_detection_limit"] for x in nh3] == [True, True, True, False, True]
    assert all(x["value"] is None for x in nh3 if x["below_detection_limit"])
    package = json.loads((built / "data" / "datapackage.json").read_text(encoding="utf-8"))
    monitoring = next(r for r in package["resources"] if r["name"] == "monitoring-csv")
    names = [f["name"] for f in monitoring["schema"]["fields"]]
    assert names[4:7] == ["value", "below_detection_limit", "detection_limit"]
    dictionary = soup(built, "/data/dictionary/").get_text()
    assert "below_detection_limit" in dictionary and "未检出从不算超标" in dictionary
