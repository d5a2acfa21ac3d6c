"""POST and GET requests, one request, tokens and request updates (GeoReport v2 + FixMyStreet)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback.cases import CHINA, NewReport, china_today, create_report
from feedback.directory import Directory
from feedback.emails import BadAddress, normalize_address
from feedback.extensions import db
from feedback.models import Report, Update, utcnow
from feedback.open311.blueprint import bp
from feedback.open311.keys import ApiKey, Open311Request, find_key, spend
from feedback.open311.locate import PlaceError, coordinates, locate
from feedback.open311.mapping import BY_CODE, request_row, update_row
from feedback.open311.render import error, respond
from feedback.open311.views import FMT, V2
from feedback.plaintext import without_controls
from feedback.states import OPEN

MAX_RESULTS = 1000
WINDOW_DAYS = 90
MAX_DESCRIPTION = 4000
OPEN_STATES = sorted(s.value for s in OPEN)


class BadRequest(ValueError):
    """Parameters are missing or wrong; 400 with one error per problem."""

    def __init__(self, *problems: str) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _collect(problems: list[str], check: Any, *args: Any) -> Any:
    """``check(*args)``, its BadRequest's problems added to ``problems`` (then None)."""
    try:
        return check(*args)
    except BadRequest as exc:
        problems.extend(exc.problems)
        return None


def _directory() -> Directory:
    return current_app.extensions["yimatong_directory"]


def _params() -> dict[str, str]:
    """Query string and form body together (clients put api_key in either)."""
    values = {k: v for k, v in request.values.items()}
    if request.is_json and isinstance(request.get_json(silent=True), dict):
        values.update({k: str(v) for k, v in request.get_json().items() if v is not None})
    return {without_controls(k): without_controls(v) for k, v in values.items()}


def moment(raw: str, name: str) -> dt.datetime:
    """ISO 8601 date or datetime as naive UTC; without a zone it is China time.

    A moment so near year 1 or 9999 that UTC falls outside the calendar is held at its edge.
    """
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace(" ", "T"))
    except ValueError:
        raise BadRequest(f"{name} 不是 ISO 8601 时间，例如 2026-11-20T08:00:00+08:00。") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        return dt.datetime.min if value.year == dt.MINYEAR else dt.datetime.max


def _shift(moment: dt.datetime, days: int) -> dt.datetime:
    """``moment`` moved by ``days``, held at the calendar's edges."""
    try:
        return moment + dt.timedelta(days=days)
    except OverflowError:
        return dt.datetime.min if days < 0 else dt.datetime.max


def _china(utc: dt.datetime) -> dt.datetime:
    """Naive UTC as China time."""
    return utc.replace(tzinfo=dt.UTC).astimezone(CHINA)


def _seen_on(params: dict[str, str]) -> dt.date:
    raw = params.get("attribute[seen_on]", "").strip()
    if not raw:
        return china_today()
    try:
        seen = _china(moment(raw, "attribute[seen_on]")).date()
    except OverflowError:  # after 9999-12-31 in China: surely later than today
        seen = dt.date.max
    if seen > china_today():
        raise BadRequest("attribute[seen_on] 不能晚于今天。")
    return seen


def _email(params: dict[str, str]) -> str:
    """The reporter's address, checked like the web form's (email-validator, no DNS)."""
    raw = params.get("email", "")
    if len(raw.strip()) > 200:
        raise BadRequest("email 最长 200 个字符。")
    try:
        return normalize_address(raw)
    except BadAddress as exc:
        raise BadRequest(f"email：{exc}") from None


def _text(params: dict[str, str]) -> str:
    description = params.get("description", "").strip()
    if not description:
        raise BadRequest("请填写 description：看到了什么问题。")
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(f"description 最长 {MAX_DESCRIPTION} 字。")
    return description


def _place(params: dict[str, str]) -> Any:
    try:
        return locate(params, _directory())
    except PlaceError as exc:
        raise BadRequest(str(exc)) from None


def _new_report(params: dict[str, str]) -> NewReport:
    problems: list[str] = []
    service = BY_CODE.get(params.get("service_code", "").strip())
    if service is None:
        problems.append("缺少 service_code 或服务不存在，可用的服务见 services.xml。")
    description = _collect(problems, _text, params)
    place = _collect(problems, _place, params)
    seen_on = _collect(problems, _seen_on, params)
    email = _collect(problems, _email, params)
    if problems or service is None:
        raise BadRequest(*problems)
    name = (params.get("last_name", "") + params.get("first_name", "")).strip()
    return NewReport(
        category=service.category,
        description=description,
        seen_on=seen_on,
        submission_key=uuid.uuid4().hex,
        unit_code=place.unit_code,
        county_code=place.county_code,
        place=place.place,
        seen_time=params.get("attribute[seen_time]", "")[:40],
        reporter_name=name[:80],
        reporter_phone=params.get("phone", "")[:40],
        reporter_email=email,
        pin=place.pin,
    )


def _key(fmt: str, params: dict[str, str]) -> ApiKey | Response:
    key = find_key(params.get("api_key", "").strip())
    if key is None:
        return error(fmt, 403, "缺少 api_key 或 api_key 无效、已被吊销。")
    if not spend(key):
        return error(fmt, 429, "该 api_key 调用过于频繁，请稍后再试。")
    return key


@bp.post(f"{V2}/requests.{FMT}")
def post_request(fmt: str) -> Response:
    """File a report routed exactly like a web report."""
    params = _params()
    key = _key(fmt, params)
    if isinstance(key, Response):
        return key
    try:
        new = _new_report(params)
    except BadRequest as exc:
        return error(fmt, 400, *exc.problems)
    filed = create_report(new, _directory())
    link = Open311Request(report_id=filed.report.id, api_key_id=key.id, token=secrets.token_hex(16))
    db.session.add(link)
    db.session.commit()
    notice = f"举报已收到，由{_directory().body_name(filed.report.body_id)}办理。"
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": filed.report.tracking_number,
                "token": link.token,
                "service_notice": notice,
                "account_id": "",
            }
        ],
    )


def _window(params: dict[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date, at most WINDOW_DAYS apart; one alone spans WINDOW_DAYS from it."""
    problems: list[str] = []
    found = {}
    for name in ("start_date", "end_date"):
        raw = params.get(name, "").strip()
        found[name] = _collect(problems, moment, raw, name) if raw else None
    if problems:
        raise BadRequest(*problems)
    start, end = found["start_date"], found["end_date"]
    if start is None:
        end = end or utcnow()
        start = _shift(end, -WINDOW_DAYS)
    elif end is None:
        end = _shift(start, WINDOW_DAYS)
    if start > end:
        raise BadRequest("start_date 不能晚于 end_date。")
    if end - start > dt.timedelta(days=WINDOW_DAYS):
        raise BadRequest(
            f"start_date 与 end_date 最多相隔 {WINDOW_DAYS} 天（GeoReport v2 的规定），"
            "请分几次查询。"
        )
    return start, end


def _listed(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _services(params: dict[str, str]) -> list[str]:
    codes = _listed(params.get("service_code", ""))
    unknown = [c for c in codes if c not in BY_CODE]
    if unknown:
        raise BadRequest(f"没有服务 {'、'.join(unknown)}，可用的服务见 services.json。")
    return [BY_CODE[c].category for c in codes]


def _statuses(params: dict[str, str]) -> set[str]:
    statuses = set(_listed(params.get("status", "")))
    if statuses - {"open", "closed"}:
        raise BadRequest("status 只能是 open 或 closed（可用逗号分隔）。")
    return statuses


def _query(params: dict[str, str]) -> Any:
    query = select(Report).options(selectinload(Report.updates))
    ids = _listed(params.get("service_request_id", ""))
    if ids:  # the specification: other filters are ignored when ids are given
        return query.where(Report.tracking_number.in_([i.upper() for i in ids[:MAX_RESULTS]]))
    problems: list[str] = []
    window = _collect(problems, _window, params)
    categories = _collect(problems, _services, params)
    statuses = _collect(problems, _statuses, params)
    if problems:
        raise BadRequest(*problems)
    query = query.where(Report.received_at >= window[0], Report.received_at <= window[1])
    if categories:
        query = query.where(Report.category.in_(categories))
    if statuses == {"open"}:
        query = query.where(Report.state.in_(OPEN_STATES))
    elif statuses == {"closed"}:
        query = query.where(Report.state.not_in(OPEN_STATES))
    return query


def _rows(reports: list[Report]) -> list[dict[str, Any]]:
    points, directory = coordinates(), _directory()
    return [request_row(r, directory, points) for r in reports]


@bp.get(f"{V2}/requests.{FMT}")
def get_requests(fmt: str) -> Response:
    """Reports, newest first: filters, a 90-day default window and at most 1,000 results."""
    try:
        query = _query(_params())
    except BadRequest as exc:
        return error(fmt, 400, *exc.problems)
    cap = current_app.config.get("OPEN311_MAX_RESULTS", MAX_RESULTS)
    query = query.order_by(Report.received_at.desc(), Report.id.desc()).limit(cap)
    return respond(fmt, "service_requests", _rows(list(db.session.scalars(query))))


@bp.get(f"{V2}/requests/<number>.{FMT}")
def get_request(number: str, fmt: str) -> Response:
    """One report by its tracking number."""
    report = db.session.scalar(select(Report).where(Report.tracking_number == number.upper()))
    if report is None:
        return error(fmt, 404, f"没有受理编号为 {number} 的举报。")
    return respond(fmt, "service_requests", _rows([report]))


@bp.get(f"{V2}/tokens/<token>.{FMT}")
def get_token(token: str, fmt: str) -> Response:
    """The tracking number behind a token returned by POST requests."""
    link = db.session.scalar(select(Open311Request).where(Open311Request.token == token))
    report = db.session.get(Report, link.report_id) if link else None
    if report is None:
        return error(fmt, 404, "没有这个 token。")
    return respond(
        fmt, "service_requests", [{"service_request_id": report.tracking_number, "token": token}]
    )


def _states_after(report: Report) -> dict[int, str]:
    state, after = "", {}
    for update in report.updates:
        state = update.state_after or state or report.state
        after[update.id] = state
    return after


@bp.get(f"{V2}/servicerequestupdates.{FMT}")
def updates(fmt: str) -> Response:
    """Public history entries in a window (FixMyStreet extension), oldest first."""
    params = _params()
    try:
        start, end = _window(params)
    except BadRequest as exc:
        return error(fmt, 400, *exc.problems)
    query = (
        select(Update)
        .where(Update.public.is_(True), Update.created_at >= start, Update.created_at <= end)
        .options(selectinload(Update.report).selectinload(Report.updates))
        .order_by(Update.id)
        .limit(current_app.config.get("OPEN311_MAX_RESULTS", MAX_RESULTS))
    )
    ids = {i.upper() for i in _listed(params.get("service_request_id", ""))}
    rows: list[dict[str, Any]] = []
    states: dict[int, dict[int, str]] = {}
    for update in db.session.scalars(query):
        if ids and update.report.tracking_number not in ids:
            continue
        states.setdefault(update.report_id, _states_after(update.report))
        rows.append(update_row(update, update.report, states[update.report_id][update.id]))
    return respond(fmt, "service_request_updates", rows)
