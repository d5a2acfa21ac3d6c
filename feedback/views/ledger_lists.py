"""Officer ledger lists: the filtered ledger with counts, its CSV, the 清零 view, a new item.

Registered on the officer ledger blueprint (``feedback.views.ledger_officer``).
"""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from feedback.auth import officer_required
from feedback.cases import Actor, audit
from feedback.ledger import queries, service
from feedback.ledger.forms import NewItemForm
from feedback.ledger.states import SOURCES, LedgerState
from feedback.ledger.tables import csv_of
from feedback.services import transaction
from feedback.views import directory
from generator.clock import china_today


def _filters() -> queries.LedgerFilters:
    args = request.args
    state = args.get("state", "")
    source = args.get("source", "")
    return queries.LedgerFilters(
        source=source if source in SOURCES else "",
        state=state if state in {s.value for s in LedgerState} else "",
        overdue=args.get("overdue") == "1",
        area=args.get("area", "").strip()[:6],
        industry=args.get("industry", "").strip()[:10],
        unit=args.get("unit", "").strip()[:22],
    )


def _industries() -> list[tuple[str, str]]:
    found = {u.industry: u.industry_name for u in directory().units.values() if u.industry}
    return sorted(found.items())


@officer_required
def index():  # type: ignore[no-untyped-def]
    """The ledger of the officer's body and the bodies under it, filtered, with counts."""
    filters, today = _filters(), china_today()
    return render_template(
        "ledger/officer_index.html",
        items=queries.listing(current_user, directory(), filters, today),
        counts=queries.counts(current_user, directory(), filters, today),
        filters=filters,
        states=list(LedgerState),
        sources=SOURCES,
        industries=_industries(),
        areas=directory().cities() + directory().counties(),
        today=today,
    )


@officer_required
def export():  # type: ignore[no-untyped-def]
    """CSV of the filtered ledger (every row, no internal notes); audited."""
    today = china_today()
    found = queries.listing(current_user, directory(), _filters(), today, limit=None)
    audit(Actor("officer", current_user), "export", f"问题台账 {len(found)} 项")
    transaction.commit()
    return Response(
        csv_of(found, directory(), today),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=ledger.csv"},
    )


@officer_required
def clearing():  # type: ignore[no-untyped-def]
    """清零: open and overdue items per city, and found and closed per month."""
    today = china_today()
    return render_template(
        "ledger/officer_clearing.html",
        cities=queries.per_city(current_user, directory(), today),
        trend=queries.trend(current_user, directory(), today),
        today=today,
    )


def _open_by_hand(form: NewItemForm) -> tuple[str, str]:
    """Open the item of the form: (its number, "") or ("", the refusal)."""
    unit = directory().unit((form.unit.data or "").strip())
    body = directory().route(unit.county_code).id if unit is not None else ""
    try:
        item = service.open_item(
            unit_code=(form.unit.data or "").strip(),
            source="officer",
            source_ref=form.submission_key.data or uuid.uuid4().hex,
            title=form.title.data or "",
            action=form.action.data or "",
            due_on=form.due_on.data,
            body_id=body or current_user.body_id or "",
            actor=current_user,
            outlet=form.outlet.data or "",
            detail=form.detail.data or "",
            directory=directory(),
        )
    except service.LedgerError as exc:
        transaction.rollback()
        return "", str(exc)
    transaction.commit()
    flash(f"已登记问题 {item.number}。")
    return item.number, ""


@officer_required
def new():  # type: ignore[no-untyped-def]
    """Enter an item by hand; the hidden submission key makes a double submit one item."""
    if not current_user.body_id:
        abort(403)
    form = NewItemForm(unit=request.args.get("unit", ""))
    error = ""
    if request.method == "POST":
        if form.validate():
            number, error = _open_by_hand(form)
            if number:
                return redirect(url_for("officer_ledger.item", number=number))
        else:
            error = "请改正下面标出的内容。"
    if not form.submission_key.data:
        form.submission_key.data = uuid.uuid4().hex
    code = 422 if error else 200
    return render_template("ledger/officer_new.html", form=form, error=error), code
