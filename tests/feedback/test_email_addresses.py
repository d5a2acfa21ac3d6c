"""E-mail addresses are checked by email-validator wherever one enters the service."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.emails import BadAddress, normalize_address
from feedback.extensions import db
from feedback.models import Account, OutboxMail, Report
from feedback.security import SettingsError
from tests.feedback.conftest import BINYANG, PASSWORD, report_data

BAD = [
    "a@[b.cc",
    "a@[127.0.0.1]",
    "a@[IPv6:::1]",
    "a@b",
    "a@b..cc",
    "a@.b.cc",
    "a@-b.cc",
    "a@b.cc.",
    "@b.cc",
    "a@",
    "a@@b.cc",
    "a b@c.cc",
    "a@b c.cc",
    "a@b.cc\nBcc: victim@example.com",
    "a@b.cc\r\nX-Evil: 1",
    "a@b.cc,c@d.cc",
    "a@b.cc;c@d.cc",
    "<a@b.cc>",
    "张三 <a@b.cc>",
    '"a b"@c.cc',
    "a..b@c.cc",
    ".a@c.cc",
    "a.@c.cc",
    "a(comment)@b.cc",
    "甲@example.com",
    "a@" + "b" * 64 + ".cc",
    "a" * 250 + "@b.cc",
]

GOOD = {
    "zhang@example.com": "zhang@example.com",
    "  zhang@example.com  ": "zhang@example.com",
    "Zhang.San@Example.COM": "Zhang.San@example.com",
    "li+report@mail.example.cn": "li+report@mail.example.cn",
    "wang@例子.中国": "wang@xn--fsqu00a.xn--fiqs8s",
    "": "",
}


@pytest.mark.parametrize("raw", BAD)
def test_bad_addresses_are_refused(raw):
    with pytest.raises(BadAddress) as caught:
        normalize_address(raw)
    assert "电子邮箱" in str(caught.value)


@pytest.mark.parametrize(("raw", "normalized"), GOOD.items())
def test_good_addresses_are_normalized(raw, normalized):
    assert normalize_address(raw) == normalized


@pytest.mark.parametrize("raw", ["a@[b.cc", "a@b", "x y@example.com", "a@b.cc\nBcc: c@d.cc"])
def test_report_form_refuses_bad_address_and_keeps_nothing_half_done(app, client, raw):
    response = client.post(f"/report/{BINYANG}", data=report_data(reporter_email=raw))
    page = BeautifulSoup(response.data, "html.parser")
    error = page.select_one("#reporter_email-error")
    assert error is not None and "电子邮箱格式不对" in error.text
    with app.app_context():
        assert db.session.query(Report).count() == 0
        assert db.session.query(OutboxMail).count() == 0


def test_report_form_stores_the_normalized_address(app, client):
    client.post(f"/report/{BINYANG}", data=report_data(reporter_email=" Zhang@EXAMPLE.com "))
    with app.app_context():
        assert db.session.query(Report).one().reporter_email == "Zhang@example.com"


def test_account_form_refuses_bad_address(app, client, password_hash):
    with app.app_context():
        db.session.add(
            Account(login="root", password_hash=password_hash, role="admin", body_id="nn")
        )
        db.session.commit()
    client.post("/officer/login", data={"login": "root", "password": PASSWORD})
    response = client.post(
        "/officer/accounts",
        data={
            "login": "new-enterprise",
            "role": "enterprise",
            "unit": "91450126MA5L3K2R5Q001P",
            "email": "boss@[b.cc",
            "password": "long-enough-1",
        },
    )
    page = BeautifulSoup(response.data, "html.parser")
    assert "电子邮箱格式不对" in page.select_one("#email-error").text
    with app.app_context():
        assert db.session.query(Account).filter_by(login="new-enterprise").count() == 0


@pytest.fixture
def runner(tmp_path, monkeypatch, fixture_directory) -> CliRunner:
    """A CLI runner on a fresh instance folder with the fixture content."""
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", fixture_directory)
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    runner = CliRunner()
    assert runner.invoke(feedback_group, ["init-db"]).exit_code == 0
    return runner


@pytest.mark.parametrize("raw", ["a@[b.cc", "boss@localhost", "boss@b..cc"])
def test_create_enterprise_cli_refuses_bad_address(runner, raw):
    args = ["create-enterprise", "--unit", BINYANG, "--login", "hd", "--email", raw]
    result = runner.invoke(feedback_group, [*args, "--password", "long-enough-1"])
    assert result.exit_code == 2 and "--email" in result.output and "电子邮箱" in result.output
    listed = runner.invoke(
        feedback_group,
        [
            "create-enterprise",
            "--unit",
            BINYANG,
            "--login",
            "hd",
            "--email",
            "boss@example.com",
            "--password",
            "long-enough-1",
        ],
    )
    assert listed.exit_code == 0, listed.output  # nothing was half-created by the refused try


def test_create_account_refuses_bad_address(app):
    from feedback.auth import create_account

    with app.app_context(), pytest.raises(BadAddress, match="通知邮箱"):
        create_account("x", "long-enough-1", "enterprise", unit_code="U", email="a@[b.cc")


@pytest.mark.parametrize("raw", ["noreply@[b.cc", "noreply", ""])
def test_bad_mail_from_setting_stops_the_service(make_app, raw):
    with pytest.raises(SettingsError, match="YIMATONG_MAIL_FROM"):
        make_app(MAIL_FROM=raw)


def test_open311_refuses_bad_address(app):
    from feedback.open311.keys import create_key

    with app.app_context():
        _, key = create_key("测试平台")
        db.session.commit()
    response = app.test_client().post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "wastewater",
            "description": "排污口流出黑色污水。",
            "address_id": BINYANG,
            "email": "a@[b.cc",
        },
    )
    assert response.status_code == 400
    assert "email" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Report).count() == 0
