"""Officer pages of draws: list and draw, one draw with its record, verify, cancel; the
positive list. Officers of the body (or above) see; its supervisors draw and change."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from feedback.auth import officer_required
from feedback.draws import positive, service
from feedback.draws.models import Draw
from feedback.draws.service import DrawError, DrawRequest
from feedback.services import transaction
from feedback.views import directory
from generator import clock

bp = Blueprint("draws", __name__, url_prefix="/officer/draws")


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


def _unit_name(code: str) -> str:
    """The unit's name from the directory, or its code."""
    unit = directory().unit(code)
    return unit.name if unit is not None else code


def _supervisor_only() -> None:
    if not current_user.is_supervisor:
        abort(403)


def _number(name: str) -> int:
    text = request.form.get(name, "").strip()
    return int(text) if text.isdigit() else 0


def _index(problems: list[str] | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    body = current_user.body_id or ""
    return (
        render_template(
            "officer/draws.html",
            draws=service.draws_of(body),
            body=directory().body_name(body),
            library=len(service.library(directory(), body)),
            problems=problems or [],
            form=request.form,
        ),
        code,
    )


@bp.get("/")
@officer_required
def index():  # type: ignore[no-untyped-def]
    """The body's draws, and the form to draw (supervisors)."""
    return _index()


@bp.post("/")
@officer_required
def draw():  # type: ignore[no-untyped-def]
    """Draw this period's units and inspectors; refused if the period is drawn already."""
    _supervisor_only()
    req = DrawRequest(
        request.form.get("period", "").strip(),
        _number("units"),
        _number("inspectors"),
        request.form.get("exclusions", ""),
    )
    try:
        made = service.make_draw(current_user, directory(), req, clock.china_today())
    except DrawError as exc:
        transaction.rollback()
        return _index(exc.problems, 422)
    transaction.commit()
    flash(f"已抽取 {made.period} 期（第 {made.id} 号）。")
    return redirect(url_for("draws.show", draw_id=made.id))


def _draw_or_403(draw_id: int) -> Draw:
    found = service.get_draw(draw_id) or abort(404)
    if not service.can_see(current_user, found.body_id, directory()):
        abort(403)
    return found


def _show(found: Draw, check: object = None, problems: list[str] | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "officer/draw.html",
            draw=found,
            inputs=json.loads(found.inputs),
            result=json.loads(found.result),
            check=check,
            problems=problems or [],
            unit_name=_unit_name,
            body=directory().body_name(found.body_id),
        ),
        code,
    )


@bp.get("/<int:draw_id>")
@officer_required
def show(draw_id: int):  # type: ignore[no-untyped-def]
    """One draw: its inputs, seed, digest and result, and whether it was cancelled."""
    return _show(_draw_or_403(draw_id))


@bp.get("/<int:draw_id>/verify")
@officer_required
def verify(draw_id: int):  # type: ignore[no-untyped-def]
    """Re-run the draw from its record and say whether it gives the recorded result."""
    found = _draw_or_403(draw_id)
    return _show(found, service.verify(found))


@bp.post("/<int:draw_id>/cancel")
@officer_required
def cancel(draw_id: int):  # type: ignore[no-untyped-def]
    """Cancel a standing draw with a reason (kept with the draw and in the audit)."""
    found = _draw_or_403(draw_id)
    _supervisor_only()
    if found.body_id != current_user.body_id:
        abort(403)
    try:
        service.cancel(found, current_user, request.form.get("reason", ""), clock.utcnow())
    except DrawError as exc:
        transaction.rollback()
        return _show(found, problems=exc.problems, code=422)
    transaction.commit()
    flash(f"已作废第 {found.id} 号抽取。")
    return redirect(url_for("draws.show", draw_id=found.id))


def _positive(problems: list[str] | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    body = current_user.body_id or ""
    return (
        render_template(
            "officer/positive.html",
            entries=positive.entries_of(body),
            today=clock.china_today(),
            body=directory().body_name(body),
            unit_name=_unit_name,
            problems=problems or [],
            form=request.form,
        ),
        code,
    )


@bp.get("/positive")
@officer_required
def positive_list():  # type: ignore[no-untyped-def]
    """The body's positive list with reasons and dates."""
    return _positive()


@bp.post("/positive")
@officer_required
def positive_add():  # type: ignore[no-untyped-def]
    """Put a unit on the positive list (supervisors)."""
    _supervisor_only()
    form = request.form
    try:
        positive.add_entry(
            current_user,
            directory(),
            form.get("unit_code", ""),
            form.get("reason", ""),
            form.get("from_on", ""),
            form.get("until_on", ""),
        )
    except DrawError as exc:
        transaction.rollback()
        return _positive(exc.problems, 422)
    transaction.commit()
    flash("已列入正面清单。")
    return redirect(url_for("draws.positive_list"))


@bp.post("/positive/<int:entry_id>/end")
@officer_required
def positive_end(entry_id: int):  # type: ignore[no-untyped-def]
    """Take a unit off the positive list from today, with a reason (supervisors)."""
    _supervisor_only()
    entry = positive.get_entry(entry_id) or abort(404)
    if entry.body_id != current_user.body_id:
        abort(403)
    try:
        positive.end_entry(entry, current_user, clock.china_today(), request.form.get("reason", ""))
    except DrawError as exc:
        transaction.rollback()
        return _positive(exc.problems, 422)
    transaction.commit()
    flash("已移出正面清单。")
    return redirect(url_for("draws.positive_list"))
