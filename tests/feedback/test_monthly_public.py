"""The public monthly summary holds the officer's monthly report's counts: the ledger export
(`yimatong feedback ledger export`) writes every body's month, a build reads it, and the
figures on /ledger/monthly/<month>/ equal the officer's /officer/monthly/<month> for the same
body and month; counts only, nothing personal."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.inspections.public_monthly import MONTHS, body_order, months
from generator import clock
from generator.build.run import build
from tests.generator.site_helpers import BASE_URL, FIXTURE, FIXTURE_DAY, overrides, soup

from .test_monthly_report import REPORT_DAY, _figures, month_of_work  # noqa: F401

#: The public table's columns and the officer report's (section, what) for the same count.
SAME = {
    "inspections": ("现场检查", "检查次数"),
    "units": ("现场检查", "检查单位数"),
    "problems": ("现场检查", "发现问题"),
    "ledger_found": ("问题台账", "本月发现（全部来源）"),
    "ledger_closed": ("问题台账", "本月销号"),
    "ledger_overdue": ("问题台账", "月末超期未销号"),
    "reports_received": ("群众举报", "收到"),
    "reports_concluded": ("群众举报", "办结"),
    "reports_on_time": ("群众举报", "按期办结"),
    "penalties": ("群众举报", "作出处罚决定"),
}


def _export(app, monkeypatch, out, day: dt.date):
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", app.config["DIRECTORY_FILE"])
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    args = ["ledger", "export", "--out", str(out), "--today", day.isoformat()]
    result = CliRunner().invoke(feedback_group, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def public_site(month_of_work, monkeypatch, tmp_path):  # noqa: F811
    """The month of work exported as of REPORT_DAY and built into a site."""
    app = month_of_work.application
    ledger = tmp_path / "ledger.json"
    output = _export(app, monkeypatch, ledger, REPORT_DAY.date())
    conf = overrides(tmp_path, ledger_file=str(ledger))
    with clock.travel(FIXTURE_DAY):
        build(FIXTURE, tmp_path / "site", BASE_URL, jobs=1, progress=False, overrides=conf)
    return month_of_work, tmp_path / "site", ledger, output


def _public(site, month: str, body: str) -> dict[tuple[str, str], int]:
    page = soup(site, f"/ledger/monthly/{month}/")
    row = page.select_one(f'table.monthly-bodies tr[data-body="{body}"]')
    found = {SAME[k]: int(row.select_one(f"td.{k}").get_text()) for k in SAME}
    table = page.select_one(f'table.monthly-items[data-body="{body}"]')
    for tr in table.select("tbody tr") if table else []:
        title = tr.select_one("th").get_text()
        n, spot, deadline = (int(td.get_text()) for td in tr.select("td"))
        section = "发现问题（按检查项）"
        found |= {
            (section, title): n,
            (section, f"{title}：立整立改"): spot,
            (section, f"{title}：限期整改"): deadline,
        }
    return found


@pytest.mark.parametrize("month", ["2026-05", "2026-06", "2026-07"])
def test_the_public_figures_equal_the_officer_report_for_each_body(public_site, officer, month):
    client, site, _, _ = public_site
    checked = 0
    for login, bodies in (("binyang", ["nn-binyang"]), ("nanning", ["nn", "nn-binyang"])):
        officer.logout()
        officer.login(login)
        for body in bodies:
            with clock.travel(REPORT_DAY):
                response = client.get(f"/officer/monthly/{month}?body={body}")
            assert response.status_code == 200
            # Problems by item: the public page leaves out items nothing was found under.
            report = {
                k: v for k, v in _figures(response).items() if k[0] != "发现问题（按检查项）" or v
            }
            public = _public(site, month, body)
            assert {
                k: v for k, v in public.items() if v or k[0] != "发现问题（按检查项）"
            } == report
            checked += 1
    assert checked == 3
    if month == "2026-06":
        june = _public(site, month, "nn-binyang")
        assert june[SAME["inspections"]] == 2 and june[SAME["penalties"]] == 1


def test_the_export_holds_every_body_for_each_month_with_data_and_nothing_personal(public_site):
    client, _, ledger, output = public_site
    data = json.loads(ledger.read_text("utf-8"))
    app = client.application
    directory = app.extensions["yimatong_directory"]
    ids = [b.id for b in body_order(directory)]
    assert sorted(ids) == sorted(directory.bodies) and len(ids) == len(set(ids))
    records = data["monthly"]
    assert [r["month"] for r in records[:: len(ids)]] == ["2026-05", "2026-06", "2026-07"]
    assert [r["body"] for r in records[: len(ids)]] == ids
    assert f"{len(records)} 条机构月度数据" in output
    # Counts and checklist titles only: no officer, no unit, no inspection's notes.
    text = json.dumps(records, ensure_ascii=False)
    for private in ("宾阳执法员", "91450126MA5L3K2R5Q001P", "台账缺 5 月记录", "当场拆除软管"):
        assert private not in text


def test_every_record_equals_the_officer_report_of_its_body_and_month(public_site):
    """The export counts every body at once; each record is what ``monthly.build`` (the
    officer report) gives for that body, its subtree and month."""
    from feedback.inspections import monthly
    from feedback.inspections.public_monthly import record

    client, _, ledger, _ = public_site
    app = client.application
    directory = app.extensions["yimatong_directory"]
    bodies = {b.id: b for b in body_order(directory)}
    records = json.loads(ledger.read_text("utf-8"))["monthly"]
    assert len(records) == 3 * len(bodies)
    with app.app_context():
        for exported in records:
            body = bodies[exported["body"]]
            first = dt.date.fromisoformat(exported["month"] + "-01")
            report = monthly.build(
                body.name, directory.descendants(body.id), first, REPORT_DAY.date()
            )
            expected = record(body, report)
            for kept in (expected, exported):
                kept["items"] = sorted(kept["items"], key=lambda i: i["title"])
            assert exported == expected, (body.id, first)
    assert any(r["inspections"] for r in records) and any(r["penalties"] for r in records)


def test_months_are_the_last_twelve_with_data():
    today = dt.date(2027, 3, 5)
    assert months(today, None) == []
    assert months(today, dt.date(2027, 2, 28)) == [dt.date(2027, 2, 1), dt.date(2027, 3, 1)]
    long_ago = months(today, dt.date(2020, 1, 1))
    assert len(long_ago) == MONTHS and long_ago[0] == dt.date(2026, 4, 1)
    assert long_ago[-1] == dt.date(2027, 3, 1)
