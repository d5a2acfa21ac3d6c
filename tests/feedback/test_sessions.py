"""Sessions end at logout and password change; cookie flags; production mode; login timing."""

from __future__ import annotations

import statistics
import time

import pytest
from click.testing import CliRunner
from werkzeug import security as werkzeug_security

from feedback import auth
from feedback.app import create_app
from feedback.auth import dummy_hash, set_password
from feedback.cli import feedback_group
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.models import Account
from feedback.security import SettingsError
from tests.feedback.conftest import PASSWORD

STRONG = "0123456789abcdef0123456789abcdef-strong"


def _cookie(client, name: str = "session") -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None
    return cookie.value


def _with_cookie(app, value: str, name: str = "session"):
    """A fresh browser that presents a copied cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def _logged_in(response) -> bool:
    return response.status_code == 200


def test_old_cookie_is_refused_after_logout(app, officer):
    officer.login()
    stolen = _cookie(officer.client)
    assert _logged_in(_with_cookie(app, stolen).get("/officer/"))
    officer.logout()
    replay = _with_cookie(app, stolen).get("/officer/")
    assert replay.status_code == 302 and "/officer/login" in replay.headers["Location"]


def test_logout_ends_the_account_sessions_on_every_device(app):
    phone, desk = app.test_client(), app.test_client()
    for device in (phone, desk):
        device.post("/officer/login", data={"login": "binyang", "password": PASSWORD})
        assert _logged_in(device.get("/officer/"))
    phone.post("/officer/logout")
    assert desk.get("/officer/").status_code == 302
    with app.app_context():
        assert db.session.query(Account).filter_by(login="binyang").one().session_version == 1


def test_enterprise_logout_too(app):
    client = app.test_client()
    client.post("/enterprise/login", data={"login": "hongda", "password": PASSWORD})
    stolen = _cookie(client)
    assert _logged_in(_with_cookie(app, stolen).get("/enterprise/"))
    client.post("/enterprise/logout")
    assert _with_cookie(app, stolen).get("/enterprise/").status_code == 302


def test_password_change_ends_sessions(app, officer):
    officer.login()
    stolen = _cookie(officer.client)
    with app.app_context():
        set_password(db.session.query(Account).filter_by(login="binyang").one(), "new-password-9")
        db.session.commit()
    assert _with_cookie(app, stolen).get("/officer/").status_code == 302
    assert officer.client.get("/officer/").status_code == 302
    officer.login(password="new-password-9")
    assert _logged_in(officer.client.get("/officer/"))


def test_set_password_cli(tmp_path, monkeypatch, fixture_directory):
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", fixture_directory)
    monkeypatch.setenv("YIMATONG_SECRET_KEY", STRONG)
    runner = CliRunner()
    assert runner.invoke(feedback_group, ["init-db"]).exit_code == 0
    create = [
        "create-officer",
        "--body",
        "nn-binyang",
        "--login",
        "o1",
        "--password",
        "first-pass-1",
    ]
    assert runner.invoke(feedback_group, create).exit_code == 0
    short = runner.invoke(feedback_group, ["set-password", "--login", "o1", "--password", "short"])
    assert short.exit_code != 0 and "密码至少 8 位" in short.output
    ok = runner.invoke(
        feedback_group, ["set-password", "--login", "o1", "--password", "second-pass-2"]
    )
    assert ok.exit_code == 0, ok.output
    missing = runner.invoke(
        feedback_group, ["set-password", "--login", "nobody", "--password", "x" * 9]
    )
    assert missing.exit_code != 0 and "没有账号 nobody" in missing.output


@pytest.mark.parametrize("forged", ["1", "1:", ":0", "1:abc", "abc:0", "999:0", "1:0:0", ""])
def test_forged_or_old_format_ids_are_refused(app, forged):
    from feedback.auth import load_session_account

    with app.app_context():
        assert load_session_account(forged) is None


def test_disabled_account_cookie_is_refused(app, officer):
    officer.login()
    with app.app_context():
        db.session.query(Account).filter_by(login="binyang").one().active = False
        db.session.commit()
    assert officer.client.get("/officer/").status_code == 302


def _set_cookie_headers(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_cookies_are_samesite_lax_and_httponly(app):
    response = app.test_client().post(
        "/officer/login", data={"login": "binyang", "password": PASSWORD}
    )
    (cookie,) = [c for c in _set_cookie_headers(response) if c.startswith("session=")]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert "Strict-Transport-Security" not in response.headers


def test_production_sets_secure_cookies_and_hsts(make_app, password_hash):
    app = make_app(PRODUCTION=True, SECRET_KEY=STRONG)
    with app.app_context():
        db.session.add(
            Account(login="o", password_hash=password_hash, role="officer", body_id="nn")
        )
        db.session.commit()
    client = app.test_client()
    response = client.post(
        "/officer/login",
        data={"login": "o", "password": PASSWORD},
        base_url="https://localhost",
    )
    (cookie,) = [c for c in _set_cookie_headers(response) if c.startswith("session=")]
    assert "Secure" in cookie and "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    hsts = client.get("/officer/login", base_url="https://localhost").headers
    assert hsts["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"SECRET_KEY": ""}, "必须设置 YIMATONG_SECRET_KEY"),
        ({"SECRET_KEY": "test-secret"}, "太弱"),
        ({"SECRET_KEY": "short-but-random-x7"}, "太弱"),
        ({"SECRET_KEY": STRONG, "DEBUG": True}, "不能开启调试"),
    ],
)
def test_production_refuses_unsafe_start(make_app, settings, expected):
    with pytest.raises(SettingsError) as caught:
        make_app(PRODUCTION=True, **settings)
    assert expected in str(caught.value)


def test_production_refuses_the_generated_development_key(make_app, fixture_directory):
    dev = make_app(SECRET_KEY="")  # development: a key is generated in the instance folder
    generated = dev.config["SECRET_KEY"]
    config = {
        **TEST_CONFIG,
        "DIRECTORY_FILE": fixture_directory,
        "INSTANCE_PATH": dev.instance_path,
    }
    with pytest.raises(SettingsError, match="开发密钥"):
        create_app({**config, "PRODUCTION": True, "SECRET_KEY": generated})


def test_every_problem_is_listed_at_once(make_app):
    with pytest.raises(SettingsError) as caught:
        make_app(PRODUCTION=True, SECRET_KEY="dev", DEBUG=True, MAIL_FROM="noreply@[b.cc")
    message = str(caught.value)
    assert "太弱" in message and "不能开启调试" in message and "YIMATONG_MAIL_FROM" in message


def test_development_mode_still_starts_with_defaults(make_app):
    app = make_app(SECRET_KEY="")
    assert app.config["PRODUCTION"] is False and len(app.config["SECRET_KEY"]) >= 32


class HashCounter:
    """Counts real werkzeug password checks (the real function still runs)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, pwhash: str, password: str) -> bool:
        self.calls += 1
        return werkzeug_security.check_password_hash(pwhash, password)


@pytest.mark.parametrize(
    "login",
    ["binyang", "nobody-here", "hongda"],  # wrong password, unknown, not allowed on this page
)
def test_every_failed_login_does_one_hash_check(app, monkeypatch, login):
    counter = HashCounter()
    monkeypatch.setattr(auth, "check_password_hash", counter)
    password = PASSWORD if login == "hongda" else "wrong-password"
    response = app.test_client().post("/officer/login", data={"login": login, "password": password})
    assert response.status_code == 200 and counter.calls == 1


def test_dummy_hash_costs_what_a_real_hash_costs(password_hash):
    method = password_hash.split("$", 1)[0]
    assert dummy_hash().split("$", 1)[0] == method  # same algorithm and work factors


def test_unknown_and_known_logins_take_comparable_time(app):
    client = app.test_client()

    def median(login: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            client.post("/officer/login", data={"login": login, "password": "wrong-password"})
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    app.config["RATE_LIMIT_LOGINS"] = app.config["RATE_LIMIT_LOGINS_CLIENT"] = 1000
    known, unknown = median("binyang"), median("nobody-here")
    assert unknown > known / 5  # loose: without the dummy hash it is ~100 times faster


def _admin(app) -> None:
    with app.app_context():
        db.session.query(Account).filter_by(login="binyang-boss").one().role = "admin"
        db.session.commit()


@pytest.mark.parametrize("login,kind", [("binyang", "officer"), ("hongda", "enterprise")])
def test_disabling_ends_sessions_so_reenabling_does_not_revive_a_copied_cookie(app, login, kind):
    _admin(app)
    victim = app.test_client()
    victim.post(f"/{kind}/login", data={"login": login, "password": PASSWORD})
    stolen = _cookie(victim)
    assert _logged_in(_with_cookie(app, stolen).get(f"/{kind}/"))
    admin = app.test_client()
    admin.post("/officer/login", data={"login": "binyang-boss", "password": PASSWORD})
    with app.app_context():
        account_id = db.session.query(Account).filter_by(login=login).one().id
    admin.post(f"/officer/accounts/{account_id}/toggle")  # disabled
    assert _with_cookie(app, stolen).get(f"/{kind}/").status_code == 302
    admin.post(f"/officer/accounts/{account_id}/toggle")  # enabled again
    with app.app_context():
        assert db.session.get(Account, account_id).active
    assert _with_cookie(app, stolen).get(f"/{kind}/").status_code == 302
    assert victim.get(f"/{kind}/").status_code == 302
    fresh = app.test_client()
    fresh.post(f"/{kind}/login", data={"login": login, "password": PASSWORD})
    assert _logged_in(fresh.get(f"/{kind}/"))
