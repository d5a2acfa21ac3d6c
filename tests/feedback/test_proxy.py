"""Behind a reverse proxy: forwarding headers trusted only from PROXY_HOPS proxies, and
failed-login limits per client and account, so nobody locks out anybody else."""

from __future__ import annotations

import pytest

from feedback.extensions import db
from feedback.models import Account, Report
from tests.feedback.conftest import ACCOUNTS, BINYANG, PASSWORD, report_data

PROXY = "10.0.0.2"  # the address every request comes from, behind the proxy
ALICE, BOB = "203.0.113.5", "198.51.100.7"


def _post_login(client, login: str, password: str, client_ip: str, **headers: str):
    return client.post(
        "/officer/login",
        data={"login": login, "password": password},
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": client_ip, **headers},
    )


def _fail(client, login: str, client_ip: str, times: int) -> list[int]:
    return [_post_login(client, login, "wrong-pass", client_ip).status_code for _ in range(times)]


def test_one_clients_bad_logins_do_not_lock_out_others(make_app, password_hash):
    proxied = make_app(PROXY_HOPS=1, RATE_LIMIT_LOGINS=3)
    _add_accounts(proxied, password_hash)
    client = proxied.test_client()
    assert _fail(client, "binyang", ALICE, 4) == [200, 200, 200, 429]
    assert _post_login(client, "binyang", PASSWORD, ALICE).status_code == 429
    assert _post_login(proxied.test_client(), "binyang", PASSWORD, BOB).status_code == 302
    assert _post_login(proxied.test_client(), "nanning", PASSWORD, ALICE).status_code == 302


def test_without_trusted_hops_forwarding_headers_are_ignored(make_app, password_hash):
    direct = make_app(RATE_LIMIT_LOGINS=3)  # PROXY_HOPS defaults to 0
    _add_accounts(direct, password_hash)
    client = direct.test_client()
    spoofed = [
        _post_login(client, "binyang", "wrong-pass", f"192.0.2.{i}").status_code for i in range(4)
    ]
    assert spoofed == [200, 200, 200, 429]  # a new X-Forwarded-For each time does not help


def test_only_the_trusted_hop_counts(make_app, password_hash):
    proxied = make_app(PROXY_HOPS=1, RATE_LIMIT_LOGINS=2)
    _add_accounts(proxied, password_hash)
    client = proxied.test_client()
    codes = [
        _post_login(client, "binyang", "wrong-pass", f"192.0.2.{i}, {ALICE}").status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]  # the left part is the client's own claim, not trusted


def test_two_hops(make_app, password_hash):
    proxied = make_app(PROXY_HOPS=2, RATE_LIMIT_LOGINS=2)
    _add_accounts(proxied, password_hash)
    client = proxied.test_client()
    assert _fail(client, "binyang", f"192.0.2.1, {ALICE}, 10.0.0.9", 3) == [200, 200, 429]
    assert _fail(client, "binyang", f"192.0.2.1, {BOB}, 10.0.0.9", 1) == [200]


def test_one_client_cannot_spray_every_account(make_app, password_hash):
    proxied = make_app(PROXY_HOPS=1, RATE_LIMIT_LOGINS=5, RATE_LIMIT_LOGINS_CLIENT=3)
    _add_accounts(proxied, password_hash)
    client = proxied.test_client()
    codes = [
        _post_login(client, login, "wrong-pass", ALICE).status_code
        for login in ("binyang", "nanning", "liucheng", "binyang-boss")
    ]
    assert codes == [200, 200, 200, 429]
    assert _post_login(proxied.test_client(), "binyang-boss", PASSWORD, BOB).status_code == 302


@pytest.mark.parametrize("hops", [-1])
def test_negative_hops_refused(make_app, hops):
    from feedback.security import SettingsError

    with pytest.raises(SettingsError, match="YIMATONG_PROXY_HOPS"):
        make_app(PROXY_HOPS=hops)


def _report(client, client_ip: str) -> int:
    return client.post(
        f"/report/{BINYANG}",
        data=report_data(),
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": client_ip},
    ).status_code


def test_citizens_behind_the_proxy_have_their_own_report_limit(make_app):
    proxied = make_app(PROXY_HOPS=1, RATE_LIMIT_REPORTS=1)
    client = proxied.test_client()
    assert _report(client, ALICE) == 200
    assert _report(client, ALICE) == 429
    assert _report(client, BOB) == 200
    with proxied.app_context():
        assert db.session.query(Report).count() == 2


def _add_accounts(app, password_hash: str) -> None:
    """The fixture accounts (conftest.ACCOUNTS) in ``app``'s database."""
    with app.app_context():
        for login, role, extra in ACCOUNTS:
            db.session.add(Account(login=login, password_hash=password_hash, role=role, **extra))
        db.session.commit()
