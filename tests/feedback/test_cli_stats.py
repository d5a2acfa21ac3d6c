"""`yimatong feedback ...` commands and the public statistics."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.demo import ensure_demo
from feedback.stats import build_stats
from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.test_officer import act


@pytest.fixture
def runner(tmp_path, monkeypatch, fixture_directory) -> CliRunner:
    """A CLI runner whose environment points at a fresh instance folder and fixture content."""
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", fixture_directory)
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    return CliRunner()


def test_init_db_and_accounts(runner, tmp_path):
    result = runner.invoke(feedback_group, ["init-db"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "feedback.sqlite3").exists()
    assert runner.invoke(feedback_group, ["init-db"]).exit_code == 0  # idempotent
    args = [
        "create-admin",
        "--body",
        "nn-binyang",
        "--login",
        "boss",
        "--password",
        "long-enough-1",
    ]
    result = runner.invoke(feedback_group, args)
    assert result.exit_code == 0 and "已创建" in result.output
    assert "已存在" in runner.invoke(feedback_group, args).output
    bad = runner.invoke(
        feedback_group,
        ["create-admin", "--body", "nowhere", "--login", "x", "--password", "long-enough-1"],
    )
    assert bad.exit_code != 0 and "没有执法机构" in bad.output
    prompted = runner.invoke(
        feedback_group,
        ["create-officer", "--body", "nn", "--login", "o1"],
        input="long-enough-1\nlong-enough-1\n",
    )
    assert prompted.exit_code == 0, prompted.output
    result = runner.invoke(
        feedback_group,
        ["create-enterprise", "--unit", BINYANG, "--login", "e1", "--password", "long-enough-1"],
    )
    assert result.exit_code == 0, result.output


def test_stats_command_writes_json(runner, tmp_path):
    runner.invoke(feedback_group, ["init-db"])
    out = tmp_path / "stats" / "report-stats.json"
    result = runner.invoke(feedback_group, ["stats", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"as_of", "computed_at", "units", "bodies"}
    assert data["bodies"]["nn-binyang"]["name"] == "南宁市宾阳生态环境局"


def test_send_mail_needs_mail_enabled(runner):
    runner.invoke(feedback_group, ["init-db"])
    result = runner.invoke(feedback_group, ["send-mail"])
    assert result.exit_code != 0 and "邮件未开启" in result.output


def test_statistics_content_and_no_personal_data(app, client, officer, make_report):
    concluded, _ = make_report(reporter_name="孙八", reporter_phone="13500000000")
    make_report()
    make_report(unit=LIUCHENG)
    officer.login("binyang")
    from feedback.auth import find_account

    with app.app_context():
        officer_id = find_account("binyang").id
    act(client, concluded, "accept", text="")
    act(client, concluded, "assign", officer=officer_id)
    act(client, concluded, "investigate")
    act(client, concluded, "conclude", finding="substantiated", action_taken="", text="属实")
    with app.app_context():
        data = build_stats(app.extensions["yimatong_directory"])
    unit = data["units"][BINYANG]
    assert unit == {
        "received_12m": 2,
        "concluded": 1,
        "substantiated": 1,
        "median_days_to_conclude": 0,
    }
    assert data["bodies"]["nn-binyang"]["on_time_rate"] == 1.0
    computed = dt.datetime.fromisoformat(data["computed_at"])
    assert computed.utcoffset() == dt.timedelta(hours=8)
    assert computed.date().isoformat() == data["as_of"]
    assert data["bodies"]["lz-liucheng"]["received"] == 1
    text = json.dumps(data, ensure_ascii=False)
    assert "孙八" not in text and "13500000000" not in text and "GX" not in text


def test_demo_accounts_are_idempotent(app):
    first = ensure_demo(app)
    assert ensure_demo(app) == first
    roles = {role for role, _, _ in first}
    assert roles == {"officer", "supervisor", "admin", "enterprise"}
    client = app.test_client()
    login = next(login for role, login, _ in first if role == "officer")
    response = client.post("/officer/login", data={"login": login, "password": first[0][2]})
    assert response.status_code == 302


def test_accounts_before_the_first_build_say_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", str(tmp_path / "not-built.jsonl"))
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    runner = CliRunner()
    assert runner.invoke(feedback_group, ["init-db"]).exit_code == 0
    args = ["create-admin", "--body", "nn", "--login", "x", "--password", "long-enough-1"]
    bad = runner.invoke(feedback_group, args)
    assert bad.exit_code != 0 and "请先运行 yimatong build" in bad.output


def _accounts(tmp_path) -> dict[str, tuple]:
    """Every account row in the CLI's database, read with plain sqlite3."""
    with sqlite3.connect(tmp_path / "instance" / "feedback.sqlite3") as conn:
        rows = conn.execute("SELECT login, role, body_id, unit_code, name, email FROM account")
        return {row[0]: row[1:] for row in rows}


def test_create_commands_store_each_field(runner, tmp_path):
    runner.invoke(feedback_group, ["init-db"])
    password = ["--password", "long-enough-1"]
    commands = [
        ["create-admin", "--body", "nn-binyang", "--login", "a1", "--name", "甲", *password],
        ["create-officer", "--body", "nn", "--login", "o1", "--role", "supervisor", *password],
        ["create-enterprise", "--unit", BINYANG, "--login", "e1", "--email", "E1@Example.com"],
    ]
    commands[2] += password
    for args in commands:
        result = runner.invoke(feedback_group, args)
        assert result.exit_code == 0, result.output
    accounts = _accounts(tmp_path)
    assert accounts["a1"] == ("admin", "nn-binyang", None, "甲", "")
    assert accounts["o1"] == ("supervisor", "nn", None, "o1", "")
    role, body, unit, name, email = accounts["e1"]
    assert (role, body, unit, email) == ("enterprise", None, BINYANG, "E1@example.com")
    assert name and name != "e1"  # the unit's name from the directory
