"""The officer's case page and queue: next step first, negative actions apart, sortable dates."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from feedback.console import NEGATIVE, NEXT_STEPS, OTHER, arrange
from feedback.workflow import ACTIONS, postable
from generator import clock
from tests.feedback.conftest import get_report
from tests.feedback.test_officer import act

DAY = dt.date(2026, 5, 11)


def _page(client, url: str) -> BeautifulSoup:
    return BeautifulSoup(client.get(url).data, "html.parser")


def _ids(nodes) -> list[str]:
    return [f["id"].removeprefix("action-") for f in nodes]


def test_every_console_action_has_a_place_in_the_layout():
    offered = [a for a in ACTIONS if postable(a)]
    assert sorted(NEXT_STEPS + NEGATIVE + OTHER) == sorted(offered)
    laid = arrange(list(reversed(offered)))
    assert laid.next_steps == list(NEXT_STEPS)  # case order, whatever order they came in


def test_a_received_case_offers_acceptance_first_and_refusal_apart(client, officer, make_report):
    number, _ = make_report()
    officer.login("binyang-boss")
    page = _page(client, f"/officer/case/{number}")
    assert _ids(page.select(".actions-next .action-form")) == ["accept"]
    accept = page.select_one("#action-accept button")
    assert "button-negative" not in accept["class"] and "button-secondary" not in accept["class"]
    for name in ("not_accept", "suspend"):
        fold = page.select_one(f"#action-{name}").find_parent("details")
        assert fold is not None and "open" not in fold.attrs
        assert "action-fold-negative" in fold["class"]
        assert "button-negative" in page.select_one(f"#action-{name} button")["class"]
    assert page.select_one("#action-reward") is None  # nothing to reward on a new case
    assert page.select_one("aside.case-side .timeline") is not None  # history beside the facts


@pytest.mark.parametrize(
    ("fields", "rewardable"),
    [
        ({"finding": "substantiated", "penalty_number": "宾环罚〔2026〕9号"}, True),
        ({"finding": "partly", "penalty_number": "宾环罚〔2026〕9号"}, True),
        ({"finding": "substantiated", "penalty_number": ""}, False),
        ({"finding": "not_substantiated", "penalty_number": ""}, False),
        ({"finding": "substantiated", "penalty_number": "X", "reporter_name": ""}, False),
    ],
)
def test_the_reward_form_shows_only_on_a_case_that_can_be_rewarded(
    client, officer, make_report, fields, rewardable
):
    number, _ = make_report(state="concluded", **fields)
    officer.login("binyang")
    page = _page(client, f"/officer/case/{number}")
    assert (page.select_one("#action-reward") is not None) == rewardable
    steps = _ids(page.select(".actions-next .action-form"))
    if fields["finding"] == "not_substantiated":
        assert steps == ["close"]  # no rectification order on an unfounded report
    else:
        assert steps == ["order_rectification", "close"]


def test_transfer_chooses_no_body_in_advance_and_says_so_when_none_chosen(
    client, officer, make_report, app
):
    number, _ = make_report()
    officer.login("binyang")
    select = _page(client, f"/officer/case/{number}").select_one("#action-transfer select")
    options = select.select("option")
    assert options[0]["value"] == "" and "请选择" in options[0].text
    assert not any(o.has_attr("selected") for o in options[1:])
    response = act(client, number, "transfer", body="", text="不属本局管辖")
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert "请选择接收的执法机构" in page.select_one(".error-summary").text
    fold = page.select_one("#action-transfer").find_parent("details")
    assert "open" in fold.attrs  # the form just posted comes back unfolded
    assert get_report(app, number).body_id == "nn-binyang"


def _queue_numbers(client, **args) -> list[str]:
    page = _page(client, "/officer/?" + "&".join(f"{k}={v}" for k, v in args.items()))
    return [a.text for a in page.select("table.queue tbody td:first-child a")]


def test_the_queue_sorts_by_each_date_column_both_ways(client, officer, make_report):
    numbers = []
    for days in (3, 0, 6):  # received out of order
        with clock.travel(dt.datetime(2026, 5, 1 + days, 9, tzinfo=clock.CHINA)):
            numbers.append(make_report()[0])
    oldest_first = [numbers[1], numbers[0], numbers[2]]
    officer.login("binyang")
    with clock.travel(dt.datetime(2026, 5, 8, 9, tzinfo=clock.CHINA)):
        assert _queue_numbers(client, sort="received") == oldest_first
        assert _queue_numbers(client, sort="-received") == oldest_first[::-1]
        assert _queue_numbers(client, sort="accept_due") == oldest_first
        assert _queue_numbers(client) == oldest_first  # default: the running deadline
        assert _queue_numbers(client, sort="nonsense") == oldest_first
        page = _page(client, "/officer/?sort=received")
    heads = {th.get_text(strip=True): th for th in page.select("table.queue thead th")}
    assert heads["收到日期"]["aria-sort"] == "ascending"
    assert "sort=-received" in heads["收到日期"].a["href"]  # a second click reverses
    assert "受理期限" in heads and "办结期限" in heads


def test_dates_are_china_days_in_the_queue_and_its_csv(client, officer, make_report):
    # 23:30 UTC on the 10th is 07:30 on the 11th in China.
    with clock.travel(dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.UTC)):
        number, _ = make_report()
    officer.login("binyang")
    page = _page(client, "/officer/")
    row = next(tr for tr in page.select("table.queue tbody tr") if number in tr.text)
    assert row.select("td")[5].text == DAY.isoformat()
    rows = client.get("/officer/export.csv").get_data(as_text=True).splitlines()
    line = next(r for r in rows if number in r)
    assert DAY.isoformat() in line and "2026-05-10" not in line
