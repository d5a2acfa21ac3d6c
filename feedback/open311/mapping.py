"""How our reports look in GeoReport v2: services, open/closed status, times, public fields only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from feedback.cases import CHINA
from feedback.directory import Directory
from feedback.models import Report, Update
from feedback.pii import mask
from feedback.states import State
from feedback.workflow import ACTION_LABELS


@dataclass(frozen=True, slots=True)
class Service:
    """One Open311 service: a report category."""

    code: str
    category: str
    description: str
    keywords: str


#: One service per report category (feedback.states.CATEGORIES), with stable ASCII codes.
SERVICES: tuple[Service, ...] = (
    Service("wastewater", "废水", "偷排、漏排、超标排放废水，排污口异常。", "废水,污水,排污口"),
    Service("waste_gas", "废气", "烟囱冒黑烟、超标排放废气、治理设施不运行。", "废气,烟尘,黑烟"),
    Service("noise", "噪声", "工业噪声、施工噪声扰民。", "噪声"),
    Service("solid_waste", "固体废物", "乱堆乱倒固体废物、危险废物。", "固废,危废,垃圾"),
    Service("odour", "异味", "刺鼻异味、恶臭。", "异味,恶臭"),
    Service("unlicensed", "无证排污", "没有排污许可证或未登记就排放污染物。", "无证,排污许可"),
    Service("other", "其他", "其他生态环境问题。", "其他"),
)
BY_CODE = {s.code: s for s in SERVICES}
BY_CATEGORY = {s.category: s for s in SERVICES}
GROUP = "生态环境举报"


def service_row(service: Service) -> dict[str, Any]:
    """A <service> of GET services."""
    return {
        "service_code": service.code,
        "service_name": service.category,
        "description": service.description,
        "metadata": True,
        "type": "realtime",
        "keywords": service.keywords,
        "group": GROUP,
    }


#: Extra attributes every service takes (attribute[code] on POST).
ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {
        "variable": True,
        "code": "seen_on",
        "datatype": "datetime",
        "required": False,
        "datatype_description": "ISO 8601，例如 2026-11-20T20:00:00+08:00；不填为今天",
        "order": 1,
        "description": "发现问题的时间",
    },
    {
        "variable": True,
        "code": "seen_time",
        "datatype": "string",
        "required": False,
        "datatype_description": "自由文字，例如 晚上 8 点",
        "order": 2,
        "description": "发现问题的时段",
    },
)


def status_of(state: str) -> str:
    """Our detailed state as Open311 status: open or closed (fixed counts as closed)."""
    return "open" if State(state).kind == "open" else "closed"


def status_notes(report: Report) -> str:
    """The detailed state in words, with the refusal reason the reporter is also told."""
    notes = State(report.state).label
    if report.state == State.NOT_ACCEPTED.value and report.not_accepted_reason:
        notes += "：" + report.not_accepted_reason
    return mask(notes, report.identity)


def iso(moment: dt.datetime | None) -> str | None:
    """Naive UTC from the database as ISO 8601 in China time, e.g. 2026-11-20T20:00:00+08:00."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC, microsecond=0).astimezone(CHINA).isoformat()


def end_of(day: dt.date | None) -> str | None:
    """End of a deadline day in China time."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), CHINA).isoformat()


def _updated(report: Report) -> dt.datetime:
    return max((u.created_at for u in report.updates), default=report.received_at)


def request_row(
    report: Report, directory: Directory, coordinates: dict[str, Any]
) -> dict[str, Any]:
    """A <request> of GET requests: public facts only, never the reporter or their own text."""
    service = BY_CATEGORY.get(report.category, SERVICES[-1])
    unit = directory.unit(report.unit_code)
    point = coordinates.get(report.unit_code or "")
    place = directory.place_name(report.county_code)
    return {
        "service_request_id": report.tracking_number,
        "status": status_of(report.state),
        "status_notes": status_notes(report),
        "service_name": service.category,
        "service_code": service.code,
        "description": mask(report.public_description, report.identity),
        "agency_responsible": directory.body_name(report.body_id),
        "service_notice": "",
        "requested_datetime": iso(report.received_at),
        "updated_datetime": iso(_updated(report)),
        "expected_datetime": end_of(report.conclude_due or report.accept_due),
        "address": (unit.address or unit.name) if unit else place,
        "address_id": report.unit_code or "",
        "zipcode": "",
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": "",
    }


def update_row(update: Update, report: Report, state: str) -> dict[str, Any]:
    """A <request_update> (FixMyStreet extension) with the state in force after it; no reporter text."""
    text = update.text if update.actor_kind != "reporter" or update.action == "create" else ""
    return {
        "update_id": str(update.id),
        "service_request_id": report.tracking_number,
        "status": status_of(state),
        "status_notes": State(state).label,
        "updated_datetime": iso(update.created_at),
        "description": mask(text, report.identity)
        or ACTION_LABELS.get(update.action, update.action),
        "media_url": "",
    }
