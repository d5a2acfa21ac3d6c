"""The one table of actions: docs, buttons, permissions and labels all follow it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from feedback.console import arrange
from feedback.extensions import db
from feedback.models import Report, Update
from feedback.states import STATES, State
from feedback.workflow import ACTION_LABELS, ACTIONS, PREVIOUS, allowed, can, markdown
from tests.feedback.conftest import get_report
from tests.feedback.test_officer import act

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "feedback.md"


def _generated() -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = "<!-- generated: feedback.workflow.markdown() -->\n"
    return text.split(start, 1)[1].split("<!-- end generated -->", 1)[0]


def test_docs_tables_are_the_tables():
    assert _generated() == markdown(), "docs/feedback.md: paste feedback.workflow.markdown()"


def test_every_state_and_action_is_declared_whole():
    assert set(STATES) == set(State)
    for name, rule in ACTIONS.items():
        assert rule.label and rule.who in (
            "officer",
            "supervisor",
            "reporter",
            "enterprise",
            "system",
        )
        assert rule.target is None or rule.target == PREVIOUS or isinstance(rule.target, State)
        assert (rule.form is None) == (rule.run is None), name
        if rule.run is not None:
            assert rule.who in ("officer", "supervisor"), name
    assert ACTION_LABELS == {name: rule.label for name, rule in ACTIONS.items()}
    targets = {rule.target for rule in ACTIONS.values()}
    for state in State:
        assert state in targets or state is State.RECEIVED and "create" in ACTIONS, state


def _page(client, number) -> BeautifulSoup:
    return BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")


def _shown(client, number) -> list[str]:
    return [f["id"].removeprefix("action-") for f in _page(client, number).select(".action-form")]


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("login", ["binyang", "binyang-boss"])
def test_buttons_are_the_allowed_actions_of_the_table(
    client, officer, make_report, app, state, login
):
    number, _ = make_report(state=state.value)
    report = get_report(app, number)
    officer.login(login)
    supervisor = login == "binyang-boss"
    offered, hidden = [], []
    for name, rule in ACTIONS.items():
        if rule.form is None or name == "verify":  # verify shows once an answer waits
            continue
        if rule.who == "supervisor" and not supervisor:
            continue
        if rule.sources is not None:
            if state not in rule.sources or STATES[state].supervisors_only and not supervisor:
                continue
        # Allowed but not offered on this case (a reward for an unsubstantiated report).
        (offered if rule.shown is None or rule.shown(report) else hidden).append(name)
    laid_out = arrange(offered)
    assert _shown(client, number) == laid_out.next_steps + laid_out.other + laid_out.negative
    for name in ACTIONS:
        if name in offered or name in hidden or ACTIONS[name].form is None or name == "verify":
            continue
        assert act(client, number, name).status_code == 403, name
    assert get_report(app, number).state == state.value


def test_actions_without_a_form_cannot_be_posted(client, officer, make_report):
    number, _ = make_report(state="rectification_ordered")
    officer.login("binyang-boss")
    for name in ("send_back", "reopen", "rate", "respond", "create", "export", "nonsense"):
        assert act(client, number, name).status_code == 404, name


def test_can_and_allowed_follow_the_table(app, make_report):
    number, _ = make_report()
    with app.app_context():
        from feedback.auth import find_account

        report = db.session.query(Report).filter_by(tracking_number=number).one()
        directory = app.extensions["yimatong_directory"]
        officer, boss = find_account("binyang"), find_account("binyang-boss")
        enterprise = find_account("hongda")
        assert can("accept", "received") and not can("accept", "accepted")
        assert can("reply", "closed") and can("resume", State.SUSPENDED)
        assert allowed(officer, report, "accept", directory)
        assert not allowed(officer, report, "suspend", directory)
        assert allowed(boss, report, "suspend", directory)
        assert not allowed(enterprise, report, "accept", directory)
        assert not allowed(boss, report, "unknown", directory)


def test_every_recorded_action_has_a_label(client, officer, make_report, app):
    number, token = make_report(reporter_name="王五", reporter_phone="13700000000")
    officer.login("binyang-boss")
    act(client, number, "accept", text="")
    act(client, number, "suspend", text="等待监测")
    act(client, number, "resume")
    act(client, number, "note", text="内部")
    act(client, number, "extend", days="5", text="情况复杂")
    with app.app_context():
        recorded = {u.action for u in db.session.query(Update)}
    assert recorded <= set(ACTION_LABELS)
    page = _page(client, number)
    assert [s.text for s in page.select(".timeline strong")][:4] == [
        "已收到",
        "已受理",
        "中止办理",
        "已受理",
    ]
