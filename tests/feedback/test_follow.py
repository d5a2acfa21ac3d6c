"""Following a unit by e-mail: double opt-in, notices of what is new, one-click unsubscribe.

Mail goes through the outbox to a real SMTP server on loopback; the events come from a real
events file written by the build step from the fixture content.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from email.header import decode_header, make_header

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.extensions import db
from feedback.follow.models import Follower, FollowSeen
from feedback.mail import send_pending
from feedback.models import OutboxMail
from generator import clock, settings
from generator.content.readers import load_site
from generator.directory.events import events_path, write_events
from tests.directory_helpers import FIXTURE_CONTENT
from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.test_mail_storage_csrf import _free_port, smtp  # noqa: F401 (fixture)

ADDRESS = "watcher@example.org"


@pytest.fixture
def followed(tmp_path, make_app, fixture_directory, smtp):  # noqa: F811
    """An app with mail to the loopback server and the fixture's events file beside its
    directory file; returns (app, inbox, events file)."""
    controller, inbox = smtp
    directory = tmp_path / "site.directory.jsonl"
    shutil.copyfile(fixture_directory, directory)
    conf = settings.resolve(
        {"base_url": "https://site.test", "search_index_dir": str(tmp_path / "site")}
    )
    events = write_events(load_site(FIXTURE_CONTENT), tmp_path, conf)
    assert events == events_path(directory)
    app = make_app(
        MAIL_ENABLED=True,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        DIRECTORY_FILE=str(directory),
        WTF_CSRF_ENABLED=False,
    )
    return app, inbox, events


def _sent(app, inbox) -> list:
    before = len(inbox.messages)
    with app.app_context():
        send_pending()
    return inbox.messages[before:]


def _link(message, kind: str) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(rf"https?://\S+/follow/{kind}/\S+", body).group(0)


def _ask(client, code=BINYANG, email=ADDRESS, **kw):
    return client.post(f"/follow/{code}", data={"email": email, "agree": "y", **kw})


def _follow(app, inbox, code=BINYANG, email=ADDRESS) -> str:
    """Ask and confirm; the unsubscribe path."""
    client = app.test_client()
    assert _ask(client, code, email).status_code == 200
    (mail,) = _sent(app, inbox)
    confirm = _link(mail, "confirm").removeprefix("http://feedback.test")
    assert client.post(confirm).status_code == 200
    with app.app_context():
        return f"/follow/stop/{_token(app, code, email)}"


def _token(app, code, email) -> str:
    from feedback.follow.service import token_for

    follower = db.session.query(Follower).filter_by(unit_code=code, email=email).one()
    return token_for(follower)


def _add_event(events, unit=BINYANG, event_id="penalty:宾环罚〔2026〕99号", title="新处罚"):
    line = {
        "unit": unit,
        "id": event_id,
        "kind": "penalty",
        "date": "2026-11-30",
        "title": title,
        "link": "https://site.test/u/x/",
    }
    with events.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def _notify(app):
    from feedback.follow.service import notify

    with app.app_context():
        return notify(
            __import__("generator.directory.events", fromlist=["read_events"]).read_events(
                events_path(app.config["DIRECTORY_FILE"])
            ),
            {BINYANG: "广西宾阳宏达糖业有限公司"},
        )


def test_nothing_is_sent_before_the_address_confirms(followed):
    app, inbox, events = followed
    client = app.test_client()
    page = BeautifulSoup(_ask(client).data, "html.parser")
    assert "请查收确认邮件" in page.h1.text
    (mail,) = _sent(app, inbox)
    assert mail["To"] == ADDRESS and "确认关注" in str(make_header(decode_header(mail["Subject"])))
    confirm = _link(mail, "confirm").removeprefix("http://feedback.test")
    assert (
        client.get(confirm).status_code == 200
    )  # a mail scanner opening the link confirms nothing
    _add_event(events)
    assert _notify(app).mails == 0
    assert client.post(confirm).status_code == 200
    with app.app_context():
        assert db.session.query(Follower).one().confirmed_at is not None


def test_a_confirmed_follower_gets_only_what_is_new_once(followed):
    app, inbox, events = followed
    stop = _follow(app, inbox)
    assert _notify(app).mails == 0  # what the page showed when they confirmed is not news
    _add_event(events)
    _add_event(events, unit=LIUCHENG, event_id="penalty:柳城罚1号")  # another unit's news
    done = _notify(app)
    assert (done.mails, done.events) == (1, 1)
    (notice,) = _sent(app, inbox)
    text = notice.get_payload(decode=True).decode()
    assert "新处罚" in text and "柳城" not in text
    assert notice["List-Unsubscribe"] == f"<http://feedback.test{stop}>"
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _notify(app).mails == 0 and _sent(app, inbox) == []  # idempotent


def test_one_click_unsubscribe_deletes_the_address_without_a_form_token(make_app, followed):
    app, inbox, events = followed
    stop = _follow(app, inbox)
    strict = make_app(
        DIRECTORY_FILE=app.config["DIRECTORY_FILE"],
        WTF_CSRF_ENABLED=True,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    client = strict.test_client()
    assert "退订" in client.get(stop).get_data(as_text=True)
    response = client.post(stop, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(Follower).count() == 0
        assert db.session.query(FollowSeen).count() == 0
    assert client.post(stop).status_code == 404  # already gone: says so, changes nothing


def test_asking_again_for_a_following_address_sends_nothing_and_breaks_nothing(followed):
    app, inbox, events = followed
    stop = _follow(app, inbox)
    client = app.test_client()
    page = BeautifulSoup(_ask(client).data, "html.parser")
    assert "请查收确认邮件" in page.h1.text  # the same answer: nobody learns who follows
    assert _sent(app, inbox) == []
    assert client.get(stop).status_code == 200  # the follower's own links still work


def test_an_unconfirmed_request_expires(followed):
    app, inbox, events = followed
    client = app.test_client()
    with clock.travel(dt.datetime(2026, 3, 1, 10, tzinfo=clock.CHINA)):
        _ask(client)
    (mail,) = _sent(app, inbox)
    confirm = _link(mail, "confirm").removeprefix("http://feedback.test")
    with clock.travel(dt.datetime(2026, 3, 9, 10, tzinfo=clock.CHINA)):
        assert client.post(confirm).status_code == 404
        assert _notify(app).dropped == 1
    with app.app_context():
        assert db.session.query(Follower).count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "agree": "y"}, "请填写接收通知的电子邮箱"),
        ({"email": "not an address", "agree": "y"}, "电子邮箱格式不对"),
        ({"email": ADDRESS}, "请勾选同意"),
    ],
)
def test_bad_requests_are_refused_beside_the_field(followed, data, message):
    app, inbox, events = followed
    response = app.test_client().post(f"/follow/{BINYANG}", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Follower).count() == 0
        assert db.session.query(OutboxMail).count() == 0


def test_unknown_units_and_tokens_are_not_found(followed):
    app, _inbox, _events = followed
    client = app.test_client()
    assert client.get("/follow/91450126MA5L3K2R5Q009P").status_code == 404
    assert client.get("/follow/confirm/not-a-token").status_code == 404
    assert client.post("/follow/stop/not-a-token").status_code == 404


def test_a_person_can_see_and_delete_what_is_kept(followed, monkeypatch, tmp_path):
    app, inbox, _events = followed
    _follow(app, inbox)
    _follow(app, inbox, code=LIUCHENG)
    db_file = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    monkeypatch.setenv("YIMATONG_DATABASE_URL", f"sqlite:///{db_file}")
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "cli"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", app.config["DIRECTORY_FILE"])
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    runner = CliRunner()
    shown = runner.invoke(feedback_group, ["follow", "export", "--email", "Watcher@EXAMPLE.org"])
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)
    assert sorted(r["unit_code"] for r in rows) == sorted([BINYANG, LIUCHENG])
    gone = runner.invoke(feedback_group, ["follow", "forget", "--email", ADDRESS])
    assert gone.exit_code == 0 and "2" in gone.output
    with app.app_context():
        assert db.session.query(Follower).count() == 0
    bad = runner.invoke(feedback_group, ["follow", "export", "--email", "nope"])
    assert bad.exit_code != 0 and "电子邮箱格式不对" in bad.output


def test_the_follower_address_reaches_no_public_page(followed):
    app, inbox, _events = followed
    _follow(app, inbox)
    client = app.test_client()
    for url in (f"/report/{BINYANG}", f"/follow/{BINYANG}", "/", "/api/search?q=宏达"):
        assert ADDRESS not in client.get(url).get_data(as_text=True), url


def test_the_notify_command_sends_the_notices_at_once(followed, monkeypatch, tmp_path):
    app, inbox, events = followed
    _follow(app, inbox)
    _add_event(events)
    db_file = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    for name, value in {
        "DATABASE_URL": f"sqlite:///{db_file}",
        "INSTANCE_PATH": str(tmp_path / "cli"),
        "DIRECTORY_FILE": app.config["DIRECTORY_FILE"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MAIL_ENABLED": "1",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(app.config["SMTP_PORT"]),
        "FEEDBACK_URL": "http://feedback.test",
    }.items():
        monkeypatch.setenv(f"YIMATONG_{name}", value)
    before = len(inbox.messages)
    done = CliRunner().invoke(feedback_group, ["follow", "notify"])
    assert done.exit_code == 0, done.output
    assert "已发出 1 封" in done.output
    assert len(inbox.messages) == before + 1 and inbox.messages[-1]["To"] == ADDRESS
    again = CliRunner().invoke(feedback_group, ["follow", "notify"])
    assert "已排队 0 封" in again.output and len(inbox.messages) == before + 1
