"""The service layer: views never query, one attachment lookup (404 when its case is gone),
one way to store a file's two copies, reward labels declared once."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text

from feedback.extensions import db
from feedback.models import Attachment
from feedback.photos import DecodeBudget, PhotoLimits, check_photo
from feedback.services import attachments
from feedback.states import REWARD_STATUSES
from tests.feedback.conftest import BINYANG, jpeg_with_gps, report_data
from tests.feedback.test_officer import act

FEEDBACK = Path(__file__).resolve().parents[2] / "feedback"
QUERIES = re.compile(
    r"\bdb\.session\b|\bselect\(|\.query\b|\bfrom sqlalchemy\b|\bextensions import db\b"
)


def test_views_hold_no_database_queries():
    found = []
    for path in sorted((FEEDBACK / "views").glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if QUERIES.search(line):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert found == [], "views query the database; use feedback.services"


def _checked(app):
    with app.app_context():
        limits = PhotoLimits.from_config(app.config)
        return check_photo(jpeg_with_gps(), "gps.jpg", DecodeBudget(limits))


def _raw_attachment(app, **owner) -> int:
    """An attachment row written past the foreign keys (a row whose owner is gone)."""
    key = uuid.uuid4().hex
    columns = {
        "report_id": None,
        "response_id": None,
        "draft_token": None,
        "original_key": f"orphans/{key}.jpg",
        "public_key": f"orphans/{key}-public.jpg",
        "content_type": "image/jpeg",
        "size": 3,
        "filename": "x.jpg",
        "created_at": "2026-03-02 02:00:00",
        **owner,
    }
    names = ", ".join(columns)
    marks = ", ".join(f":{c}" for c in columns)
    with app.app_context(), db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(text(f"INSERT INTO attachment ({names}) VALUES ({marks})"), columns)
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        return connection.execute(text("SELECT max(id) FROM attachment")).scalar_one()


@pytest.mark.parametrize(
    "owner",
    [
        {"response_id": 987654},  # evidence whose answer row is gone (crashed before)
        {"report_id": 987654},  # a photo whose report row is gone
        {},  # no owner at all
        {"draft_token": "0" * 32},  # a draft: never an officer's or enterprise's file
    ],
    ids=["gone-response", "gone-report", "no-owner", "draft"],
)
def test_files_without_their_case_answer_404(client, officer, app, owner):
    attachment_id = _raw_attachment(app, **owner)
    officer.login("binyang-boss")
    for url in (f"/officer/file/{attachment_id}", f"/officer/preview/{attachment_id}"):
        assert client.get(url).status_code == 404, url
    assert client.get("/officer/file/99999999").status_code == 404
    officer.logout()
    officer.login("hongda", kind="enterprise")
    assert client.get(f"/enterprise/file/{attachment_id}").status_code == 404
    assert client.get("/enterprise/file/99999999").status_code == 404


def test_attachment_lookup_names_the_case(app, make_report):
    number, _ = make_report(photos=[_checked(app)])
    with app.app_context():
        attachment = db.session.query(Attachment).one()
        attachment_id = attachment.id
        found = attachments.with_case(attachment_id)
        assert found is not None and found[1].tracking_number == number
        assert attachments.with_case(attachment_id + 1000) is None
        assert attachments.draft("0" * 32, attachment_id) is None


def test_one_way_to_store_both_copies(app, client):
    """Filing, drafts and the two copies' keys: the same content in one scope is one object."""
    photo = _checked(app)
    with app.app_context():
        storage = app.extensions["yimatong_storage"]
        first = attachments.put_copies(photo, "a" * 32)
        again = attachments.put_copies(photo, "a" * 32)
        other = attachments.put_copies(photo, "b" * 32)
        assert first == again and first["original_key"] != other["original_key"]
        assert storage.get(first["original_key"]) == photo.original
        assert storage.get(first["public_key"]) == photo.public
        assert first["size"] == len(photo.original) and first["filename"] == "gps.jpg"
    data = report_data(draft_token="c" * 32, description="")  # an error: the photo is kept
    data["photos"] = (io.BytesIO(jpeg_with_gps()), "gps.jpg")
    assert client.post(f"/report/{BINYANG}", data=data).status_code == 422
    with app.app_context():
        kept = db.session.query(Attachment).filter_by(draft_token="c" * 32).one()
        assert kept.original_key == attachments.put_copies(photo, "c" * 32)["original_key"]


def _rewarded(client, officer, make_report, status):
    number, token = make_report(
        finding="substantiated", penalty_number="宾环罚〔2026〕3号", state="concluded"
    )
    officer.login("binyang")
    response = act(client, number, "reward", amount="500", decided_on="2026-03-02", status=status)
    assert response.status_code == 302
    return number, token


@pytest.mark.parametrize("status", sorted(REWARD_STATUSES))
def test_reward_labels_come_from_one_table(client, officer, make_report, status):
    number, token = _rewarded(client, officer, make_report, status)
    label = REWARD_STATUSES[status]
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    options = [(o["value"], o.text) for o in page.select("#action-reward select option")]
    assert options == list(REWARD_STATUSES.items())
    assert any(label in p.text for p in page.select("section p") if "500 元" in p.text)
    private = BeautifulSoup(client.get(f"/r/{token}").data, "html.parser")
    assert any(label in li.text for li in private.select("li") if "500 元" in li.text)


def test_reward_labels_are_written_once():
    places = []
    for path in sorted(FEEDBACK.rglob("*")):
        if path.suffix in (".py", ".html") and "已发放" in path.read_text(encoding="utf-8"):
            places.append(path.relative_to(FEEDBACK).as_posix())
    assert places == ["states.py"]
