"""Photos of a form with errors: stored once per form, limited per client, cleaned when old."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from bs4 import BeautifulSoup
from click.testing import CliRunner
from sqlalchemy import update

from feedback.drafts import clean_expired
from feedback.extensions import db
from feedback.models import Attachment, RateHit, Report, utcnow
from tests.feedback import crafted
from tests.feedback.conftest import BINYANG, report_data


def _files(app) -> list[str]:
    root = Path(app.instance_path) / "uploads"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _rows(app) -> list[Attachment]:
    with app.app_context():
        rows = db.session.query(Attachment).order_by(Attachment.id).all()
        db.session.expunge_all()
        return rows


def _post(client, data: dict, *photos: tuple[bytes, str], **environ):
    body = dict(data)
    body["photos"] = [(io.BytesIO(b), name) for b, name in photos]
    return client.post(
        f"/report/{BINYANG}",
        data=body,
        content_type="multipart/form-data",
        environ_base=environ,
    )


def test_failed_form_stores_each_photo_once_however_often_sent(make_app):
    app = make_app()
    client = app.test_client()
    failing = report_data(agree=None)
    photo = crafted.plain("JPEG", (40, 30), shade=1)
    for _ in range(3):
        assert _post(client, failing, (photo, "same.jpg"), (photo, "again.jpg")).status_code == 422
    (row,) = _rows(app)
    assert row.report_id is None and row.draft_token == failing["draft_token"]
    assert len(_files(app)) == 2  # the original and the stripped copy, once
    fixed = report_data(
        submission_key=failing["submission_key"], draft_token=failing["draft_token"]
    )
    response = _post(client, fixed, (photo, "same.jpg"))  # chosen again when fixing
    assert response.status_code == 200
    (row,) = _rows(app)
    assert row.report_id is not None and row.draft_token is None
    assert len(_files(app)) == 2


def test_draft_photos_count_against_a_rate_limit(make_app):
    app = make_app(RATE_LIMIT_DRAFT_PHOTOS=2)
    client = app.test_client()
    photos = [(crafted.plain("PNG", (20, 20), shade=i), f"d{i}.png") for i in range(3)]
    response = _post(client, report_data(agree=None), *photos)
    assert response.status_code == 422
    assert "照片“d2.png”没有暂存：暂存照片太频繁" in response.get_data(as_text=True)
    # A new form from the same client gets no more room; another client does.
    again = _post(client, report_data(agree=None), (crafted.plain("PNG", (9, 9)), "n.png"))
    assert "照片“n.png”没有暂存" in again.get_data(as_text=True)
    other = _post(
        app.test_client(),
        report_data(agree=None),
        (crafted.plain("PNG", (9, 9)), "n.png"),
        REMOTE_ADDR="10.1.2.3",
    )
    assert "没有暂存" not in other.get_data(as_text=True)
    assert len(_rows(app)) == 3


def test_draft_bytes_are_capped_per_client(make_app):
    app = make_app(DRAFT_MAX_MB=1)
    client = app.test_client()
    big = [crafted.noise("PNG", (365, 365)) for _ in range(2)]  # about 400 kB each
    assert all(380_000 < len(b) < 450_000 for b in big)
    # One photo per post: bodies over 500 kB make werkzeug's test client spool to a file.
    for body, name in zip(big, ("a.png", "b.png"), strict=True):
        response = _post(client, report_data(agree=None), (body, name))
        assert "没有暂存" not in response.get_data(as_text=True)
    third = crafted.noise("PNG", (365, 365))
    response = _post(client, report_data(agree=None), (third, "c.png"))
    assert "照片“c.png”没有暂存：您暂存的照片已超过 1 MB" in response.get_data(as_text=True)
    assert [r.filename for r in _rows(app)] == ["a.png", "b.png"]
    # Photos of a report that is filed are no drafts any more and free the room.
    assert _post(client, report_data(), (third, "c.png")).status_code == 200


def test_removed_drafts_are_deleted_with_their_files(make_app):
    app = make_app()
    client = app.test_client()
    failing = report_data(agree=None)
    _post(client, failing, (crafted.plain("PNG", (8, 8)), "x.png"))
    (row,) = _rows(app)
    response = client.post(f"/report/{BINYANG}", data={**failing, "remove_photo": str(row.id)})
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select(".photos img") == []
    assert _rows(app) == [] and _files(app) == []


def _age_drafts(app, hours: int) -> None:
    with app.app_context():
        then = utcnow() - dt.timedelta(hours=hours)
        db.session.execute(update(Attachment).values(created_at=then))
        db.session.commit()


def test_old_drafts_are_cleaned_reports_untouched(make_app):
    app = make_app(DRAFT_MAX_HOURS=24)
    client = app.test_client()
    _post(client, report_data(agree=None), (crafted.plain("PNG", (8, 8), shade=1), "old.png"))
    _post(client, report_data(), (crafted.plain("PNG", (8, 8), shade=2), "filed.png"))
    _age_drafts(app, 25)
    _post(client, report_data(agree=None), (crafted.plain("PNG", (8, 8), shade=3), "new.png"))
    with app.app_context():
        assert clean_expired(now=utcnow() + dt.timedelta(hours=23)) == 0  # new.png is young
    assert sorted(r.filename for r in _rows(app)) == ["filed.png", "new.png"]
    assert len(_files(app)) == 4
    with app.app_context():
        assert clean_expired(now=utcnow() + dt.timedelta(hours=25)) == 1
        assert db.session.query(Report).one().attachments[0].filename == "filed.png"
    assert len(_files(app)) == 2


def test_each_report_post_cleans_some_old_drafts(make_app):
    app = make_app(DRAFT_MAX_HOURS=1)
    client = app.test_client()
    _post(client, report_data(agree=None), (crafted.plain("PNG", (8, 8)), "old.png"))
    _age_drafts(app, 2)
    client.get(f"/report/{BINYANG}")
    assert len(_rows(app)) == 1  # a GET does no work
    client.post(f"/report/{BINYANG}", data=report_data())
    assert _rows(app) == [] and _files(app) == []


def test_clean_drafts_command(make_app, monkeypatch):
    app = make_app(DRAFT_MAX_HOURS=1)
    _post(app.test_client(), report_data(agree=None), (crafted.plain("PNG", (8, 8)), "o.png"))
    _age_drafts(app, 3)
    with app.app_context():
        db.session.add(RateHit(key="old-client", at=utcnow() - dt.timedelta(hours=2)))
        db.session.add(RateHit(key="recent-client"))
        db.session.commit()
    from feedback.cli import feedback_group

    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", app.config["DIRECTORY_FILE"])
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "test-secret")
    monkeypatch.setenv("YIMATONG_DRAFT_MAX_HOURS", "1")
    result = CliRunner().invoke(feedback_group, ["clean-drafts"])
    assert result.exit_code == 0, result.output
    assert "已删除 1 张超过 1 小时的暂存照片" in result.output
    assert _rows(app) == [] and _files(app) == []
    with app.app_context():  # rate-limit hits older than the window are forgotten too
        keys = {h.key for h in db.session.query(RateHit)}
        assert "recent-client" in keys and "old-client" not in keys
