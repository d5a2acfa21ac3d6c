"""A second province end to end (issue 17, "any province"): Jilin (220000).

``yimatong sample --province 220000`` writes Jilin content; it validates, builds into pages
that name Jilin places and bodies only, signs that carry the Jilin issuing authority, and a
directory file from which the service routes to Jilin bodies and numbers reports with the
configured prefix. Nothing of it says 广西.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from feedback.app import create_app
from feedback.cases import NewReport, create_report
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.migrate import upgrade
from generator import clock
from generator.build.run import build
from generator.cli import main
from generator.content.readers import load_site
from tests.directory_helpers import write_directory_file
from tests.generator.site_helpers import overrides, soup

JILIN = "220000"
#: The sample's as-of day; the build and the report are dated on it, whatever today is.
DAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def jilin(tmp_path_factory) -> Path:
    """Jilin sample content (24 units, one file each), written by the real command."""
    out = tmp_path_factory.mktemp("jilin") / "content"
    result = CliRunner().invoke(
        main,
        ["sample", "--province", JILIN, "--units", "24", "--seed", "7", "--format", "yaml"]
        + ["--out", str(out), "--as-of", "2026-11-20"],
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(jilin: Path, tmp_path_factory) -> Path:
    """The Jilin content built as on its as-of day."""
    tmp = tmp_path_factory.mktemp("jilin-build")
    with clock.travel(DAY):
        build(
            jilin,
            tmp / "site",
            "https://jl.example.cn",
            jobs=1,
            progress=False,
            overrides=overrides(tmp),
        )
    return tmp / "site"


def _content_text(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def test_the_sample_is_jilin_content(jilin: Path) -> None:
    site = load_site(jilin)
    assert site.province == JILIN and site.title == "吉林生态环境一码通"
    assert site.issuer == "吉林省生态环境厅监制"
    assert {u.county_code[:2] for u in site.units} == {"22"}
    for unit in site.units:
        assert unit.uscc[2:8] == unit.county_code  # the USCC carries the county's code
        county = site.divisions[unit.county_code]
        assert unit.address.startswith("吉林省" + site.divisions[county.parent].name + county.name)
    assert {b.name for b in site.bodies if b.level == "province"} == {"吉林省生态环境厅"}
    assert "长春市生态环境局" in {b.name for b in site.bodies}
    assert "广西" not in _content_text(jilin)


def test_jilin_pages_name_jilin_places(built: Path, jilin: Path) -> None:
    site = load_site(jilin)
    unit = site.units[0]
    county = site.divisions[unit.county_code]
    page = soup(built, f"/e/{unit.uscc[16:18]}/{unit.fixed_source_code}/")
    assert unit.name in page.select_one("h1").get_text()
    assert county.name in page.get_text()
    assert page.select_one("title").get_text().endswith("吉林生态环境一码通")
    leaks = [p for p in built.rglob("*.html") if "广西" in p.read_text(encoding="utf-8")]
    assert leaks == []


def test_jilin_signs_carry_the_jilin_authority(jilin: Path, tmp_path: Path) -> None:
    unit = load_site(jilin).units[0]
    result = CliRunner().invoke(
        main,
        ["signs", "--content", str(jilin), "--base-url", "https://jl.example.cn"]
        + ["--date", "2026-11-20", "--unit", unit.fixed_source_code, "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.rglob("*.pdf"))
    assert pdfs
    with pymupdf.open(pdfs[0]) as doc:
        text = "".join(page.get_text() for page in doc).replace("\n", "")
    assert "吉林省生态环境厅监制" in text and "广西" not in text


def test_the_service_numbers_and_routes_jilin_reports(jilin: Path, tmp_path: Path) -> None:
    site = load_site(jilin)
    directory = write_directory_file(tmp_path / "jilin.directory.jsonl", site)
    config = {**TEST_CONFIG, "DIRECTORY_FILE": directory, "INSTANCE_PATH": tmp_path / "i"}
    app = create_app({**config, "CASE_PREFIX": "JL", "SITE_NAME": "吉林生态环境一码通"})
    upgrade(app)
    unit = site.units[0]
    with app.app_context():
        live = app.extensions["yimatong_directory"]
        assert live.province == JILIN
        new = NewReport(
            "废水", "夜间排放黑水，气味刺鼻。", DAY, uuid.uuid4().hex, unit.fixed_source_code
        )
        filed = create_report(new, live)
        number, body = filed.report.tracking_number, filed.report.body_id
        db.session.commit()
    assert number.startswith("JL2") and len(number) == len("JL") + 8 + 5
    assert body in {b.id for b in site.bodies}
    page = app.test_client().get(f"/case/{number}")
    assert page.status_code == 200
    assert "吉林生态环境一码通" in page.get_data(as_text=True)
    assert "广西" not in app.test_client().get("/").get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_guangxi_county_in_a_jilin_site_is_named_for_what_it_is(jilin: Path, tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(jilin, content)
    first = sorted((content / "units").glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    county = load_site(jilin).units[0].county_code
    first.write_text(text.replace(f"county: '{county}'", "county: '450126'"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code != 0
    assert "是广西壮族自治区南宁市宾阳县的代码，不属于本站的省份吉林省" in result.output
    assert first.name in result.output
