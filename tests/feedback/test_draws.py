"""Random draws (双随机): reproducible from their record, refused twice for one period,
cancelled only with a reason, exclusions and the positive list; every page's authorisation."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random

import pytest
from sqlalchemy import select

from feedback.draws.models import Draw, PositiveListEntry
from feedback.draws.rules import DrawInputs, run_draw, sorted_inputs
from feedback.extensions import db
from feedback.models import AuditEntry
from generator.directory.records import UnitEntry, read, write

from .conftest import PASSWORD

#: Extra units of 宾阳 (450126) so the library has something to draw from.
EXTRA = [f"91450126MA5L3K{n:04d}Q001P" for n in range(40)]


@pytest.fixture(scope="module")
def big_directory(tmp_path_factory, fixture_directory) -> str:
    """The fixture directory with 40 more units in 宾阳."""
    data = read(fixture_directory)
    more = tuple(UnitEntry(c, f"测试单位{n}", "450126", "450100", ()) for n, c in enumerate(EXTRA))
    path = tmp_path_factory.mktemp("draw-directory") / "directory.jsonl"
    write(path, dataclasses.replace(data, units=data.units + more))
    return str(path)


@pytest.fixture
def dapp(make_app, password_hash, big_directory):
    """The service on the bigger directory, with the fixture accounts."""
    from feedback.models import Account

    from .conftest import ACCOUNTS

    app = make_app(DIRECTORY_FILE=big_directory)
    with app.app_context():
        for login, role, extra in ACCOUNTS:
            db.session.add(Account(login=login, password_hash=password_hash, role=role, **extra))
        db.session.commit()
    return app


def login(client, who: str, kind: str = "officer"):
    return client.post(f"/{kind}/login", data={"login": who, "password": PASSWORD})


def as_(app, who: str, kind: str = "officer"):
    client = app.test_client()
    assert login(client, who, kind).status_code == 302
    return client


def draws(app) -> list[Draw]:
    with app.app_context():
        found = list(db.session.scalars(select(Draw).order_by(Draw.id)))
        for d in found:
            db.session.expunge(d)
        return found


def post_draw(client, period="2026-Q4", units="5", inspectors="2", exclusions=""):
    data = {"period": period, "units": units, "inspectors": inspectors, "exclusions": exclusions}
    return client.post("/officer/draws/", data=data)


# The rules alone ------------------------------------------------------------------------


def inputs(**kw) -> DrawInputs:
    base = dict(
        body="b",
        period="2026-Q4",
        units_wanted=5,
        inspectors_wanted=2,
        library=tuple(EXTRA),
        inspectors=("a", "b", "c", "d"),
    )
    return DrawInputs(**{**base, **kw})


def test_same_seed_and_inputs_give_the_same_result_whatever_their_order():
    seed = "ab" * 32
    first = run_draw(inputs(), seed)
    shuffled = list(EXTRA)
    random.Random(7).shuffle(shuffled)
    again = run_draw(inputs(library=tuple(shuffled), inspectors=("d", "c", "b", "a")), seed)
    assert first == again and len(first.units) == 5 and len(first.inspectors) == 2
    assert sorted_inputs(inputs(library=tuple(shuffled))).digest == sorted_inputs(inputs()).digest
    assert run_draw(inputs(), "cd" * 32).units != first.units


def test_excluded_units_are_never_drawn():
    out = tuple((c, "近期已检查") for c in EXTRA[:30])
    for n in range(50):
        result = run_draw(inputs(excluded=out), f"{n:064x}")
        assert set(result.units) <= set(EXTRA[30:])


def test_positive_list_units_are_drawn_at_a_lower_rate():
    positive = tuple(EXTRA[:20])
    hits = {True: 0, False: 0}
    for n in range(300):
        for code in run_draw(inputs(positive=positive, positive_weight=0.3), f"{n:064x}").units:
            hits[code in positive] += 1
    assert hits[True] < hits[False] / 2  # about 0.3 against 1, far from equal


def test_the_inputs_round_trip_through_their_json():
    made = sorted_inputs(inputs(excluded=(("X", "理由"),), positive=(EXTRA[0],)))
    assert DrawInputs.from_json(made.to_json()) == made
    assert made.digest == hashlib.sha256(made.to_json().encode()).hexdigest()


# The service --------------------------------------------------------------------------


def test_a_supervisor_draws_and_the_record_reruns_to_the_same_result(dapp):
    boss = as_(dapp, "binyang-boss")
    response = post_draw(boss)
    assert response.status_code == 302
    (made,) = draws(dapp)
    assert len(made.seed) == 64 and made.body_id == "nn-binyang"
    assert made.inputs_digest == hashlib.sha256(made.inputs.encode()).hexdigest()
    recorded = json.loads(made.result)
    assert len(recorded["units"]) == 5 and set(recorded["units"]) <= set(EXTRA) | {
        "91450126MA5L3K2R5Q001P"
    }
    assert recorded["inspectors"] == ["binyang", "binyang-boss"]
    assert run_draw(DrawInputs.from_json(made.inputs), made.seed).to_json() == made.result
    page = boss.get(f"/officer/draws/{made.id}/verify").get_data(as_text=True)
    assert "复核一致" in page
    with dapp.app_context():
        row = db.session.get(Draw, made.id)
        row.result = json.dumps({"units": EXTRA[:5], "inspectors": ["binyang"]})
        db.session.commit()
    assert "复核不一致" in boss.get(f"/officer/draws/{made.id}/verify").get_data(as_text=True)


def test_a_second_draw_of_the_period_is_refused_and_a_cancel_needs_a_reason(dapp):
    boss = as_(dapp, "binyang-boss")
    assert post_draw(boss).status_code == 302
    again = post_draw(boss)
    assert again.status_code == 422 and "不能重新抽取" in again.get_data(as_text=True)
    assert len(draws(dapp)) == 1
    first = draws(dapp)[0]
    no_reason = boss.post(f"/officer/draws/{first.id}/cancel", data={"reason": " "})
    assert no_reason.status_code == 422 and "须写明理由" in no_reason.get_data(as_text=True)
    assert draws(dapp)[0].active_key is not None
    done = boss.post(f"/officer/draws/{first.id}/cancel", data={"reason": "库未含新登记单位"})
    assert done.status_code == 302
    cancelled = draws(dapp)[0]
    assert cancelled.active_key is None and cancelled.cancel_reason == "库未含新登记单位"
    with dapp.app_context():
        actions = [a.action for a in db.session.scalars(select(AuditEntry))]
    assert actions.count("draw-cancel") == 1 and actions.count("draw") == 1
    assert post_draw(boss).status_code == 302  # drawn again, openly, after the cancellation
    assert [d.active_key is not None for d in draws(dapp)] == [False, True]


def test_units_drawn_recently_are_left_out_of_the_next_period(dapp):
    boss = as_(dapp, "binyang-boss")
    post_draw(boss, period="2026-11", units="20")
    post_draw(boss, period="2026-12", units="20")
    first, second = (set(json.loads(d.result)["units"]) for d in draws(dapp))
    assert first.isdisjoint(second)
    excluded = dict(json.loads(draws(dapp)[1].exclusions))
    assert set(excluded) == first and all("近 180 日内已被抽中" in r for r in excluded.values())


def test_explicit_exclusions_need_a_known_unit_and_a_reason(dapp):
    boss = as_(dapp, "binyang-boss")
    text = f"{EXTRA[0]} 正在停产整治\n\n{EXTRA[1]}\n91450222MA5N7P3C8N001P 外县单位"
    refused = post_draw(boss, exclusions=text)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "第3行" in body and "须写明理由" in body
    assert "第4行" in body and "不是本机构辖区内" in body
    assert draws(dapp) == []
    assert post_draw(boss, exclusions=f"{EXTRA[0]} 正在停产整治").status_code == 302
    (made,) = draws(dapp)
    assert EXTRA[0] not in json.loads(made.result)["units"]
    assert dict(json.loads(made.exclusions))[EXTRA[0]] == "排除：正在停产整治"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"period": "2026年四季度"}, "抽查期次"),
        ({"units": "0"}, "抽取单位数"),
        ({"units": "500"}, "只有 41 个"),
        ({"inspectors": "3"}, "本机构只有 2 名"),
        ({"units": "abc", "period": "Q4"}, "抽取单位数"),
    ],
)
def test_bad_requests_are_refused_with_every_reason_and_nothing_written(dapp, fields, words):
    boss = as_(dapp, "binyang-boss")
    refused = post_draw(boss, **fields)
    assert refused.status_code == 422 and words in refused.get_data(as_text=True)
    assert draws(dapp) == []


def test_positive_list_entries_need_reasons_and_dates_and_weigh_in_the_draw(dapp):
    boss = as_(dapp, "binyang-boss")
    bad = boss.post(
        "/officer/draws/positive",
        data={"unit_code": "91450222MA5N7P3C8N001P", "reason": "", "from_on": "2026/01/01"},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "不是本机构辖区内" in page and "须写明理由" in page and "YYYY-MM-DD" in page
    late = boss.post(
        "/officer/draws/positive",
        data={
            "unit_code": EXTRA[3],
            "reason": "信用A级",
            "from_on": "2026-06-01",
            "until_on": "2026-01-01",
        },
    )
    assert late.status_code == 422 and "早于起始日期" in late.get_data(as_text=True)
    good = boss.post(
        "/officer/draws/positive",
        data={"unit_code": EXTRA[3], "reason": "环境信用评价A级", "from_on": "2020-01-01"},
    )
    assert good.status_code == 302
    assert post_draw(boss).status_code == 302
    assert json.loads(draws(dapp)[0].inputs)["positive"] == [EXTRA[3]]
    assert json.loads(draws(dapp)[0].inputs)["positive_weight"] == 0.3
    with dapp.app_context():
        entry = db.session.scalars(select(PositiveListEntry)).one()
        entry_id = entry.id
    assert (
        boss.post(f"/officer/draws/positive/{entry_id}/end", data={"reason": ""}).status_code == 422
    )
    ended = boss.post(f"/officer/draws/positive/{entry_id}/end", data={"reason": "发生违法行为"})
    assert ended.status_code == 302
    with dapp.app_context():
        assert db.session.get(PositiveListEntry, entry_id).until_on is not None


# Authorisation --------------------------------------------------------------------------

PAGES = [
    ("get", "/officer/draws/"),
    ("post", "/officer/draws/"),
    ("get", "/officer/draws/{id}"),
    ("get", "/officer/draws/{id}/verify"),
    ("post", "/officer/draws/{id}/cancel"),
    ("get", "/officer/draws/positive"),
    ("post", "/officer/draws/positive"),
    ("post", "/officer/draws/positive/{entry}/end"),
]


@pytest.fixture
def made(dapp):
    """A draw and a positive-list entry of 宾阳, made by its supervisor."""
    boss = as_(dapp, "binyang-boss")
    post_draw(boss)
    boss.post(
        "/officer/draws/positive",
        data={"unit_code": EXTRA[3], "reason": "A级", "from_on": "2020-01-01"},
    )
    with dapp.app_context():
        entry = db.session.scalars(select(PositiveListEntry)).one().id
    return {"id": draws(dapp)[0].id, "entry": entry}


def _call(client, method, path, made):
    url = path.format(**made)
    data = {"reason": "理由", "period": "2027-Q1", "units": "1", "inspectors": "1"}
    return client.get(url) if method == "get" else client.post(url, data=data)


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login(dapp, made, method, path):
    response = _call(dapp.test_client(), method, path, made)
    assert response.status_code == 302 and "/officer/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_enterprise_accounts_are_refused(dapp, made, method, path):
    client = as_(dapp, "hongda", "enterprise")
    assert _call(client, method, path, made).status_code == 403


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_officers_of_another_body_are_refused_what_is_not_theirs(dapp, made, method, path):
    client = as_(dapp, "liucheng")
    code = _call(client, method, path, made).status_code
    own_pages = {("get", "/officer/draws/"), ("get", "/officer/draws/positive")}
    assert code == (200 if (method, path) in own_pages else 403)
    assert len(draws(dapp)) == 1


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_an_officer_sees_but_only_a_supervisor_changes(dapp, made, method, path):
    client = as_(dapp, "binyang")
    assert _call(client, method, path, made).status_code == (200 if method == "get" else 403)


def test_the_city_body_above_sees_the_county_draw_but_cannot_cancel_it(dapp, made):
    client = as_(dapp, "nanning")
    assert client.get(f"/officer/draws/{made['id']}").status_code == 200
    assert (
        client.post(f"/officer/draws/{made['id']}/cancel", data={"reason": "x"}).status_code == 403
    )


# Commands -------------------------------------------------------------------------------


@pytest.fixture
def cli(dapp, monkeypatch):
    """A CLI runner on the same instance folder and directory as ``dapp``."""
    from click.testing import CliRunner

    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", dapp.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", dapp.config["DIRECTORY_FILE"])
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    return CliRunner()


def test_verify_command_says_whether_the_record_holds(dapp, cli):
    from feedback.cli import feedback_group

    post_draw(as_(dapp, "binyang-boss"))
    (made,) = draws(dapp)
    done = cli.invoke(feedback_group, ["draws", "verify", str(made.id)])
    assert done.exit_code == 0 and "复核一致" in done.output, done.output
    with dapp.app_context():
        db.session.get(Draw, made.id).seed = "00" * 32
        db.session.commit()
    bad = cli.invoke(feedback_group, ["draws", "verify", str(made.id)])
    assert bad.exit_code == 1 and "结果与记录不同" in bad.output
    missing = cli.invoke(feedback_group, ["draws", "verify", "999"])
    assert missing.exit_code == 1 and "没有第 999 号抽取" in missing.output


def test_export_lists_standing_draws_sorted_without_names(dapp, cli, tmp_path):
    from feedback.cli import feedback_group

    boss = as_(dapp, "binyang-boss")
    post_draw(boss, period="2026-12")
    post_draw(boss, period="2026-11", units="3")
    post_draw(boss, period="2026-10", units="2")
    third = draws(dapp)[2]
    boss.post(f"/officer/draws/{third.id}/cancel", data={"reason": "录入错误"})
    out = tmp_path / "pub" / "draws.json"
    done = cli.invoke(feedback_group, ["draws", "export", "--out", str(out)])
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    assert [d["period"] for d in data["draws"]] == ["2026-11", "2026-12"]
    first = data["draws"][0]
    assert set(first) == {
        "id",
        "body",
        "period",
        "drawn_on",
        "units",
        "inspectors",
        "library",
        "inputs_digest",
    }
    assert first["inspectors"] == 2 and first["units"] == sorted(first["units"])
    assert first["body"] == "nn-binyang" and first["library"] == 41
    for secret in ("binyang", "宾阳科长", "宾阳执法员", "录入错误", third.seed):
        assert secret not in text.replace("nn-binyang", "")
    again = tmp_path / "again.json"
    cli.invoke(feedback_group, ["draws", "export", "--out", str(again)])
    assert again.read_text(encoding="utf-8") == text
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_the_export_is_what_the_build_reads(app, monkeypatch, tmp_path):
    """Round trip on the fixture directory: the one unit of 宾阳 drawn, exported, and read by
    the build's reader as a draw of that unit."""
    from click.testing import CliRunner

    from feedback.cli import feedback_group
    from generator.content.readers import load_site

    from .conftest import BINYANG, FIXTURES

    boss = as_(app, "binyang-boss")
    assert post_draw(boss, units="1").status_code == 302
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", app.config["DIRECTORY_FILE"])
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    out = tmp_path / "draws.json"
    assert CliRunner().invoke(feedback_group, ["draws", "export", "--out", str(out)]).exit_code == 0
    site = load_site(FIXTURES, draws_file=out)
    (drawn,) = site.draws_of(BINYANG)
    assert drawn.body == "nn-binyang" and drawn.period == "2026-Q4" and drawn.inspectors == 2
    assert site.notices == ()


def test_the_database_itself_refuses_a_second_standing_draw(dapp):
    """Two requests that both passed the check before either wrote: the unique key on the
    standing draw lets only one row in."""
    import datetime as dt

    from sqlalchemy.exc import IntegrityError

    boss = as_(dapp, "binyang-boss")
    assert post_draw(boss).status_code == 302
    with dapp.app_context():
        row = dict(
            body_id="nn-binyang", period="2026-Q4", units_wanted=1, inspectors_wanted=1,
            seed="0" * 64, inputs="{}", inputs_digest="0" * 64, result="{}",
            drawn_on=dt.date(2026, 10, 1), created_by="x", active_key="nn-binyang:2026-Q4",
        )  # fmt: skip
        db.session.add(Draw(**row))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Draw(**{**row, "active_key": None}))  # a cancelled one is kept beside it
        db.session.commit()
    assert len(draws(dapp)) == 2
