"""Any province: samples of very different provinces validate, the checks name the configured
province (never 广西 by default), and the service takes its prefix, name and hotline from settings."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.directory import Directory, Division
from feedback.security import SettingsError
from generator import clock
from generator.cli import main
from generator.content.problems import ContentError
from generator.content.readers import load_site, read_content
from generator.content.validate import validate
from generator.sample import write_sample
from tests.directory_helpers import write_directory_file

DAY = dt.date(2026, 11, 20)


def _sample(tmp_path: Path, province: str, units: int = 30) -> Path:
    out = tmp_path / f"content-{province}"
    write_sample(out, units, seed=5, fmt="yaml", as_of=DAY, province=province)
    return out


@pytest.mark.parametrize(
    ("province", "name"),
    [
        ("110000", "北京市"),  # a municipality: districts directly under the province
        ("410000", "河南省"),  # 济源市 is a county-level city directly under the province
        ("460000", "海南省"),  # many counties directly under the province
        ("650000", "新疆维吾尔自治区"),  # corps cities directly under the region
    ],
)
def test_a_sample_of_any_province_validates(tmp_path: Path, province: str, name: str) -> None:
    with clock.travel(DAY):
        site = load_site(_sample(tmp_path, province))
    assert site.province == province and site.divisions[province].name == name
    assert {u.county_code[:2] for u in site.units} == {province[:2]}
    assert all(u.address.startswith(name) for u in site.units)
    top = [b for b in site.bodies if b.parent is None]
    assert [b.name for b in top] == [f"{name}生态环境厅"]
    assert site.issuer == f"{name}生态环境厅监制"


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("810000", "香港特别行政区（810000）在 GB/T 2260 表中没有县级区划"),
        ("450100", "不是省级行政区划代码"),
        ("990000", "不是省级行政区划代码"),
        ("22", "行政区划代码应为6位数字"),
    ],
)
def test_sample_refuses_what_is_no_province(tmp_path: Path, code: str, said: str) -> None:
    result = CliRunner().invoke(main, ["sample", "--province", code, "--out", str(tmp_path)])
    assert result.exit_code == 2 and said in result.output
    assert not (tmp_path / "units").exists()


def test_curated_is_guangxi_only(tmp_path: Path) -> None:
    args = ["sample", "--curated", "--province", "220000", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "只有广西" in result.output


def _problems(content: Path) -> list[str]:
    with clock.travel(DAY):
        site, problems = read_content(content)
        problems += validate(site)
    return [f"{p.file} {p.record} {p.field}: {p.message}" for p in problems]


def _set_county(content: Path, county: str) -> str:
    first = sorted((content / "units").glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    old = re.search(r"^county: '(\d+)'$", text, re.M)
    assert old
    first.write_text(text.replace(old.group(0), f"county: '{county}'"), encoding="utf-8")
    return first.name


@pytest.mark.parametrize(
    ("county", "said"),
    [
        ("220100", "是吉林省长春市（地级），不是县级行政区划代码"),
        ("220199", "不是吉林省的县级行政区划代码（GB/T 2260，如 220102 南关区）"),
        ("110101", "是北京市东城区的代码，不属于本站的省份吉林省"),
        ("2201O2", "行政区划代码"),
    ],
)
def test_a_wrong_county_is_named_against_the_sites_province(
    tmp_path: Path, county: str, said: str
) -> None:
    content = _sample(tmp_path, "220000", units=6)
    name = _set_county(content, county)
    found = [p for p in _problems(content) if " county: " in p]
    assert len(found) == 1 and said in found[0] and name in found[0], found
    assert not any("广西" in p for p in _problems(content))


def test_a_body_covering_another_provinces_area(tmp_path: Path) -> None:
    content = _sample(tmp_path, "220000", units=6)
    bodies = content / "bodies.yaml"
    bodies.write_text(
        bodies.read_text(encoding="utf-8").replace("areas: ['220000']", "areas: ['450000']"),
        encoding="utf-8",
    )
    found = [p for p in _problems(content) if p.startswith("bodies.yaml p22 areas[450000]")]
    assert found and "是广西壮族自治区的代码，不属于本站的省份吉林省" in found[0], found


def test_the_province_must_be_one(tmp_path: Path) -> None:
    content = _sample(tmp_path, "220000", units=3)
    site_yaml = content / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("'220000'", "'220100'"), encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught, clock.travel(DAY):
        load_site(content)
    said = caught.value.report()
    assert "site.yaml [site] province" in said and "是吉林省长春市（地级）" in said


def _app(tmp_path: Path, **config: object):
    directory = write_directory_file(tmp_path / "d.directory.jsonl")
    return create_app(
        {**TEST_CONFIG, "DIRECTORY_FILE": directory, "INSTANCE_PATH": tmp_path / "i", **config}
    )


@pytest.mark.parametrize("prefix", ["gx", "GX1", "", "ABCDE", "吉林"])
def test_a_bad_tracking_prefix_refuses_the_start(tmp_path: Path, prefix: str) -> None:
    with pytest.raises(SettingsError) as caught:
        _app(tmp_path, CASE_PREFIX=prefix)
    assert "YIMATONG_CASE_PREFIX 应为 1 到 4 个大写英文字母" in str(caught.value)


def test_name_hotline_and_example_number_come_from_settings(tmp_path: Path) -> None:
    app = _app(tmp_path, CASE_PREFIX="JL", SITE_NAME="吉林生态环境一码通", HOTLINE="0431-12369")
    page = BeautifulSoup(app.test_client().get("/").data, "html.parser")
    assert page.select_one("title").text.endswith(" - 吉林生态环境一码通")
    assert page.select_one(".brand a").text == "吉林生态环境一码通"
    assert page.select_one('footer a[href^="tel:"]')["href"] == "tel:0431-12369"
    assert page.select_one("#number")["placeholder"] == "例如 JL2026112300042"
    discovery = app.test_client().get("/open311/v2/discovery.json").get_json()
    assert "0431-12369" in discovery["contact"]


def test_place_names_of_counties_directly_under_a_province() -> None:
    directory = Directory(
        divisions={
            d.code: d
            for d in (
                Division("110000", "北京市"),
                Division("110101", "东城区", "110000"),
                Division("410000", "河南省"),
                Division("419001", "济源市", "410000"),
                Division("410100", "郑州市", "410000"),
                Division("410122", "中牟县", "410100"),
            )
        },
        province="410000",
    )
    assert directory.place_name("419001") == "济源市"
    assert directory.place_name("410122") == "郑州市中牟县"
    assert directory.place_name("410100") == "郑州市"


def test_units_checked_under_one_province_are_checked_again_under_another(tmp_path: Path) -> None:
    """The load cache skips per-unit checks of unchanged units; the province is site.yaml's,
    so a site moved to another province checks every unit's county against the new one."""
    from generator.content.readers import LoadCache

    content = _sample(tmp_path, "450000", units=4)
    with clock.travel(DAY):
        load_site(content, load_cache=LoadCache(tmp_path / "cache", content))
        site_yaml = content / "site.yaml"
        site_yaml.write_text(
            site_yaml.read_text(encoding="utf-8").replace("'450000'", "'220000'"),
            encoding="utf-8",
        )
        with pytest.raises(ContentError) as caught:
            load_site(content, load_cache=LoadCache(tmp_path / "cache", content))
    county = [p for p in caught.value.problems if p.field == "county"]
    assert len(county) == 4 and all("不属于本站的省份吉林省" in p.message for p in county)
