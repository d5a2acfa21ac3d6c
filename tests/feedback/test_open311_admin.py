"""Admins of the top body create and revoke Open311 keys in the console; others cannot."""

from __future__ import annotations

import re

from feedback.extensions import db
from feedback.models import Account, AuditEntry
from feedback.open311.keys import ApiKey, find_key

from .conftest import PASSWORD


def _add_admin(app, password_hash, login: str, body: str) -> None:
    with app.app_context():
        db.session.add(
            Account(
                login=login, password_hash=password_hash, role="admin", body_id=body, name=login
            )
        )
        db.session.commit()


def test_top_admin_creates_key_shown_once_and_revokes_it(app, client, officer, password_hash):
    _add_admin(app, password_hash, "gx-admin", "gx")
    officer.login("gx-admin", PASSWORD)
    page = client.get("/officer/api-keys/").get_data(as_text=True)
    assert "还没有密钥" in page and "接口密钥" in page
    created = client.post("/officer/api-keys/", data={"name": "12345 热线平台", "rate_limit": "50"})
    text = created.get_data(as_text=True)
    plain = re.search(r'<code class="secret">([^<]+)</code>', text).group(1)
    assert "12345 热线平台" in text
    # Shown once: the list afterwards carries only the prefix.
    assert plain not in client.get("/officer/api-keys/").get_data(as_text=True)
    with app.app_context():
        key = find_key(plain)
        assert key is not None and key.rate_limit == 50 and key.key_hash != plain
        key_id = key.id
    refused = client.post(f"/officer/api-keys/{key_id}/revoke", data={"reason": ""})
    assert refused.status_code == 302
    with app.app_context():
        assert find_key(plain) is not None
    client.post(f"/officer/api-keys/{key_id}/revoke", data={"reason": "平台停用"})
    with app.app_context():
        assert find_key(plain) is None and db.session.get(ApiKey, key_id).revoked_at is not None
        lines = [e.reason for e in db.session.query(AuditEntry).filter_by(action="api_key")]
        assert any("创建" in r for r in lines) and any("平台停用" in r for r in lines)
    answer = client.post(
        "/open311/v2/requests.json", data={"api_key": plain, "service_code": "noise"}
    )
    assert answer.status_code == 403


def test_county_admin_and_officers_cannot_manage_keys(app, client, officer, password_hash):
    _add_admin(app, password_hash, "binyang-admin", "nn-binyang")
    officer.login("binyang-admin", PASSWORD)
    assert "接口密钥" not in client.get("/officer/").get_data(as_text=True)
    assert client.get("/officer/api-keys/").status_code == 403
    assert client.post("/officer/api-keys/", data={"name": "x"}).status_code == 403
    officer.logout()
    officer.login("binyang", PASSWORD)
    assert client.get("/officer/api-keys/").status_code == 403
    officer.logout()
    assert client.get("/officer/api-keys/").status_code == 302  # to the login page
