"""Reads and writes of draws and the positive list: the library from the directory, the
exclusions, the record, verification and cancellation (docs/draws.md)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback.cases import Actor, audit
from feedback.directory import Directory
from feedback.draws.models import Draw, PositiveListEntry
from feedback.draws.rules import DrawInputs, DrawResult, new_seed, run_draw, sorted_inputs
from feedback.extensions import db
from feedback.models import Account
from feedback.services.accounts import handling_officers

#: A period: a year, a half (2027-H1), a quarter (2026-Q4) or a month (2026-12).
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$")


class DrawError(ValueError):
    """A draw or a positive-list change refused; ``problems`` lists every reason in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("；".join(problems))


def library(directory: Directory, body_id: str) -> list[str]:
    """Every unit of the body's area, sorted: its counties, its cities, or the province."""
    body = directory.bodies.get(body_id)
    if body is None:
        return []
    areas = set(body.areas)
    whole = directory.province in areas
    return sorted(
        code
        for code, unit in directory.units.items()
        if whole or unit.county_code in areas or unit.city_code in areas
    )


def inspector_logins(body_id: str) -> list[str]:
    """Logins of the body's active officer accounts, sorted."""
    return sorted(a.login for a in handling_officers(body_id) if a.active)


def recently_drawn(body_id: str, day: dt.date, days: int) -> list[str]:
    """Units drawn by standing draws of the body in the ``days`` days before ``day``."""
    since = day - dt.timedelta(days=days)
    query = select(Draw).where(
        Draw.body_id == body_id, Draw.active_key.is_not(None), Draw.drawn_on > since
    )
    return sorted({c for d in db.session.scalars(query) for c in json.loads(d.result)["units"]})


def positive_units(body_id: str, day: dt.date) -> list[str]:
    """Units on the body's positive list on ``day``."""
    query = select(PositiveListEntry).where(PositiveListEntry.body_id == body_id)
    return sorted({e.unit_code for e in db.session.scalars(query) if e.covers(day)})


def parse_exclusions(text: str, known: set[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Lines ``CODE reason`` typed by the officer: the exclusions and each line's problem."""
    found, problems = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        code, _, reason = line.strip().partition(" ")
        if code not in known:
            problems.append(f"排除名单第{number}行：{code} 不是本机构辖区内的排污单位")
        elif not reason.strip():
            problems.append(f"排除名单第{number}行：排除 {code} 须写明理由（编码后空一格写理由）")
        else:
            found.append((code, "排除：" + reason.strip()))
    return found, problems


@dataclass(frozen=True)
class DrawRequest:
    """What the officer asks for: period, how many units and inspectors, exclusions."""

    period: str
    units: int
    inspectors: int
    exclusions: str = ""


def _count_problems(req: DrawRequest, eligible: int, people: int) -> list[str]:
    problems = []
    if not PERIOD.match(req.period):
        problems.append(f"抽查期次“{req.period}”应写作 2026、2026-H1、2026-Q4 或 2026-12")
    if req.units < 1:
        problems.append("抽取单位数应为正整数")
    elif req.units > eligible:
        problems.append(f"要抽取 {req.units} 个单位，但可抽取的（排除后）只有 {eligible} 个")
    if req.inspectors < 1:
        problems.append("抽取执法人员数应为正整数")
    elif req.inspectors > people:
        problems.append(f"要抽取 {req.inspectors} 名执法人员，但本机构只有 {people} 名")
    return problems


def gather_inputs(directory: Directory, body_id: str, req: DrawRequest, day: dt.date) -> DrawInputs:
    """The sorted inputs of a draw of ``body_id`` on ``day``; DrawError lists every problem."""
    config = current_app.config
    units = library(directory, body_id)
    excluded, problems = parse_exclusions(req.exclusions, set(units))
    recent = recently_drawn(body_id, day, config["DRAW_RECENT_DAYS"])
    reason = f"近 {config['DRAW_RECENT_DAYS']} 日内已被抽中"
    excluded += [(c, reason) for c in recent if c not in dict(excluded)]
    people = inspector_logins(body_id)
    eligible = len(set(units) - {c for c, _ in excluded})
    problems += _count_problems(req, eligible, len(people))
    if problems:
        raise DrawError(problems)
    weight = config["DRAW_POSITIVE_WEIGHT_PERCENT"] / 100
    inputs = DrawInputs(
        body_id, req.period, req.units, req.inspectors, tuple(units), tuple(people),
        tuple(excluded), tuple(positive_units(body_id, day)), weight,
    )  # fmt: skip
    return sorted_inputs(inputs)


def standing(body_id: str, period: str) -> Draw | None:
    """The draw of this body and period that stands (not cancelled), if any."""
    return db.session.scalar(select(Draw).where(Draw.active_key == f"{body_id}:{period}"))


def _refused_again(draw: Draw) -> DrawError:
    return DrawError(
        [
            f"{draw.period} 期已于 {draw.drawn_on} 抽取（第 {draw.id} 号），不能重新抽取；"
            "确需重抽，须先写明理由作废原抽取（作废记录留存备查）"
        ]
    )


def make_draw(account: Account, directory: Directory, req: DrawRequest, day: dt.date) -> Draw:
    """Draw for the account's body; refused (DrawError) when the period has a standing draw."""
    body = account.body_id or ""
    before = standing(body, req.period)
    if before is not None:
        raise _refused_again(before)
    inputs = gather_inputs(directory, body, req, day)
    seed = new_seed()
    result = run_draw(inputs, seed)
    draw = Draw(
        body_id=body, period=req.period, units_wanted=req.units, inspectors_wanted=req.inspectors,
        seed=seed, inputs=inputs.to_json(), inputs_digest=inputs.digest,
        exclusions=json.dumps(inputs.excluded, ensure_ascii=False), result=result.to_json(),
        drawn_on=day, created_by=account.login, active_key=f"{body}:{req.period}",
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(draw)
    except IntegrityError:
        raise _refused_again(standing(body, req.period) or draw) from None
    audit(Actor("officer", account), "draw", f"{body} {req.period} 第 {draw.id} 号 {inputs.digest}")
    return draw


@dataclass(frozen=True)
class Verification:
    """A draw re-run from its record: whether the inputs and the result are as recorded."""

    digest_ok: bool
    result_ok: bool
    again: DrawResult

    @property
    def ok(self) -> bool:
        """Both hold."""
        return self.digest_ok and self.result_ok


def verify(draw: Draw) -> Verification:
    """Re-run ``draw`` from its recorded inputs and seed."""
    inputs = DrawInputs.from_json(draw.inputs)
    again = run_draw(inputs, draw.seed)
    recorded = json.loads(draw.result)
    same = (
        list(again.units) == recorded["units"] and list(again.inspectors) == recorded["inspectors"]
    )
    return Verification(inputs.digest == draw.inputs_digest, same, again)


def cancel(draw: Draw, account: Account, reason: str, now: dt.datetime) -> None:
    """Cancel a standing draw with a reason (kept, and in the audit); the period may be drawn again."""
    reason = (reason or "").strip()
    if draw.active_key is None:
        raise DrawError([f"第 {draw.id} 号抽取已于 {draw.cancelled_at:%Y-%m-%d} 作废"])
    if not reason:
        raise DrawError(["作废抽取须写明理由"])
    draw.active_key, draw.cancelled_at = None, now
    draw.cancelled_by, draw.cancel_reason = account.login, reason
    audit(Actor("officer", account), "draw-cancel", f"第 {draw.id} 号（{draw.period}）：{reason}")


def draws_of(body_id: str) -> list[Draw]:
    """The body's draws, newest first."""
    query = select(Draw).where(Draw.body_id == body_id).order_by(Draw.id.desc())
    return list(db.session.scalars(query))


def get_draw(draw_id: int) -> Draw | None:
    """The draw with this id."""
    return db.session.get(Draw, draw_id)


def can_see(account: Account, body_id: str, directory: Directory) -> bool:
    """Officers of the body or of a body above it."""
    if not account.is_officer or not account.body_id:
        return False
    return body_id in directory.descendants(account.body_id)
