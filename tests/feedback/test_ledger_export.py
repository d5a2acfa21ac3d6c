"""The ledger export the build reads: exactly the fixed format, every item, nothing private."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.extensions import db
from feedback.ledger import export, service
from generator import clock
from tests.feedback.ledger_helpers import DAY, LIUCHENG, account, open_one

FIELDS = {
    "id",
    "unit_code",
    "outlet",
    "source",
    "found_on",
    "title",
    "action",
    "due_on",
    "state",
    "closed_on",
    "body",
}


def _fill(app) -> None:
    with clock.travel(DAY), app.app_context():
        late = open_one(
            "z-late",
            found_on=DAY - dt.timedelta(days=40),
            due_on=DAY - dt.timedelta(days=10),
            detail="内部说明：不得外传",
        )
        open_one("a-spot", due_on=None, outlet="")
        done = open_one("m-done", source="monitoring")
        service.answer(done, account("hongda"), "企业的说明")
        service.verify(done, account("binyang"))
        service.close(done, account("binyang"))
        open_one(
            "l-1", unit_code=LIUCHENG, outlet="", body_id="lz-liucheng", actor=account("liucheng")
        )
        db.session.commit()
        assert late.state == "open"


def test_the_export_is_the_fixed_format_sorted_and_complete(app):
    _fill(app)
    with app.app_context():
        text = export.dumps(export.export_data(DAY))
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert data["as_of"] == DAY.isoformat() and set(data) == {"as_of", "items"}
    items = data["items"]
    assert all(set(i) == FIELDS for i in items) and len(items) == 4
    keys = [(i["unit_code"], i["found_on"], i["id"]) for i in items]
    assert keys == sorted(keys)
    spot = next(i for i in items if i["due_on"] is None)
    assert (
        spot["state"] == "closed" and spot["closed_on"] == DAY.isoformat() and spot["outlet"] == ""
    )
    states = sorted(i["state"] for i in items)
    assert states == ["closed", "closed", "open", "open"]
    assert {i["body"] for i in items} == {"nn-binyang", "lz-liucheng"}
    assert all(i["id"].startswith("L20") for i in items)
    for private in ("内部说明", "企业的说明", "z-late", "m-done", "宾阳执法员"):
        assert private not in text


def test_the_command_writes_the_same_bytes_for_the_same_data_and_day(
    tmp_path, monkeypatch, fixture_directory
):
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", fixture_directory)
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    runner = CliRunner()
    assert runner.invoke(feedback_group, ["init-db"]).exit_code == 0
    opened = runner.invoke(feedback_group, ["ledger", "permits", "--today", "2027-01-05"])
    assert opened.exit_code == 0, opened.output
    out = tmp_path / "public" / "ledger.json"
    args = ["ledger", "export", "--out", str(out), "--today", "2027-01-06"]
    result = runner.invoke(feedback_group, args)
    assert result.exit_code == 0 and "1 个问题" in result.output
    first = out.read_bytes()
    assert runner.invoke(feedback_group, args).exit_code == 0
    assert out.read_bytes() == first
    assert [p.name for p in out.parent.iterdir()] == ["ledger.json"]  # no temporary file left
    data = json.loads(first)
    assert data["as_of"] == "2027-01-06"
    [item] = data["items"]
    assert (item["source"], item["unit_code"], item["due_on"]) == ("permit", LIUCHENG, "2027-02-04")


def test_an_empty_ledger_exports_an_empty_list(app):
    with app.app_context():
        assert export.export_data(DAY) == {"as_of": DAY.isoformat(), "items": []}
