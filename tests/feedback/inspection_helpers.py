"""Helpers of the inspection tests: start one through the unit page, a valid post, row reads."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.inspections.checklist import load
from feedback.inspections.models import Inspection, InspectionPhoto

#: The day the inspection tests run on (China time); every date below follows from it.
TODAY = dt.date(2026, 6, 10)
NOON = dt.datetime(2026, 6, 10, 12, 0)
ITEMS = [i.code for i in load("")]


def start(client: FlaskClient, code: str, token: str | None = None):
    """Post the unit page's "开始现场检查" form; the response (a redirect when it worked)."""
    return client.post(
        f"/officer/unit/{code}/inspection", data={"token": token or uuid.uuid4().hex}
    )


def started(client: FlaskClient, code: str) -> int:
    """Start an inspection and return its id."""
    response = start(client, code)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def valid_post(op: str = "submit", **overrides: object) -> dict:
    """A complete inspection post: every item compliant but one problem given a deadline."""
    data: dict[str, object] = {
        "op": op,
        "officers": "王执法\n李执法",
        "present": "赵厂长（环保负责人）",
        "outlets": ["DW001", "DA001"],
        "started_at": "2026-06-10T09:00",
        "ended_at": "2026-06-10T11:30",
        "facts": "废水总排口 DW001 旁发现一根未登记的排水软管通向厂外沟渠。",
        "basis": "排污许可证载明的排放口仅 DW001；《排污许可管理条例》第十八条。",
        "reasoning": "软管绕过在线监测设施排水，属于未按许可证规定的排放口排放。",
    }
    for item in ITEMS:
        data[f"{item}-answer"] = "compliant"
    data["destination-answer"] = "problem"
    data["destination-notes"] = "私设排水软管通向厂外沟渠。"
    data["destination-resolution"] = "deadline"
    data["destination-action"] = "拆除软管，封堵暗口，提交整改报告。"
    data["destination-due"] = (TODAY + dt.timedelta(days=15)).isoformat()
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def inspection(app: Flask, inspection_id: int) -> Inspection:
    """The inspection row with its answers and photos loaded, detached."""
    with app.app_context():
        found = db.session.get(Inspection, inspection_id)
        assert found is not None
        _ = [(a.item, a.photos) for a in found.answers]
        db.session.expunge_all()
        return found


def count(app: Flask, model: type = Inspection) -> int:
    """How many rows a table holds."""
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def photo_rows(app: Flask) -> list[tuple[str, str, str]]:
    """(item, kind, filename) of every inspection photo."""
    with app.app_context():
        rows = db.session.scalars(select(InspectionPhoto).order_by(InspectionPhoto.id))
        return [(p.item, p.kind, p.filename) for p in rows]
