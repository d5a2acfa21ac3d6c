"""The monthly enforcement report of a body (执法工作月报): page, CSV and PDF."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from feedback.auth import officer_required
from feedback.inspections import monthly, pdf
from feedback.inspections.monthly import MonthError, MonthlyReport
from feedback.views import directory, refusal
from generator import clock

bp = Blueprint("monthly", __name__, url_prefix="/officer/monthly")


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


@bp.get("/")
@officer_required
def latest():  # type: ignore[no-untyped-def]
    """The last full month's report (the one due by the 3rd of this month)."""
    today = clock.china_today()
    first = today.replace(day=1)
    last = (first - dt.timedelta(days=1)).replace(day=1)
    return redirect(url_for("monthly.page", month=f"{last:%Y-%m}"))


def _report(month: str) -> MonthlyReport:
    """The report of the asked body (the officer's, or one under it) for the month."""
    today = clock.china_today()
    try:
        first = monthly.parse_month(month, today)
    except MonthError as exc:
        abort(refusal(404, str(exc)))
    mine = current_user.body_id or ""
    body = request.args.get("body") or mine
    if body not in directory().descendants(mine) or body not in directory().bodies:
        abort(refusal(403, f"执法机构 {body} 不在您所在机构的管辖范围内，不能查看它的月报。"))
    bodies = directory().descendants(body)
    return monthly.build(directory().body_name(body), bodies, first, today)


@bp.get("/<month>")
@officer_required
def page(month: str):  # type: ignore[no-untyped-def]
    """The month's figures with links to the CSV and the PDF."""
    if month.endswith((".csv", ".pdf")):
        return _file(month[:-4], month[-3:])
    report = _report(month)
    return render_template(
        "officer/monthly.html",
        report=report,
        rows=monthly.rows(report),
        month=month,
        body=request.args.get("body", ""),
    )


def _file(month: str, kind: str) -> Response:
    report = _report(month)
    name = f"monthly-{month}"
    if kind == "csv":
        return Response(
            monthly.to_csv(report),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )
    try:
        data = pdf.monthly(report)
    except pdf.FontMissing as exc:
        current_app.logger.error("monthly report not printed: %s", exc)
        return refusal(503, str(exc))
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )
