"""The outlet page: the target of the QR code on an outlet's signboard."""

from __future__ import annotations

from flask import Flask, Response, abort, render_template

from generator import urls
from generator.content.model import Unit
from generator.pages.views.common import Output, catalog, settings
from generator.pages.views.monitoring import RATING_PATH, auto_blocks
from generator.pages.views.unit import qr_outputs, qr_response, unit_series


def outlet_page(shard: str, code: str, outlet: str) -> str:
    """One outlet of one unit: details, pollutants with limits, monitoring, report link."""
    cat = catalog()
    unit = cat.unit_or_404(shard, code)
    found = unit.outlet(outlet)
    if found is None:
        abort(404)
    series = unit_series(unit, cat)[found.code]
    auto = cat.monitoring.units.get(code)
    return render_template(
        "outlet.html",
        unit=unit,
        outlet=found,
        row=cat.rows[code],
        series=series,
        report_href=urls.report_url(settings()["feedback_url"], code),
        auto=auto,
        auto_blocks=auto_blocks(auto, found.code),
        rating_path=RATING_PATH,
        nearby=cat.nearby(unit),
        nearby_radius_m=cat.nearby_conf[0],
    )


def outlet_qr(shard: str, code: str, outlet: str, kind: str) -> Response:
    """The outlet's QR code, encoding the absolute address of its page."""
    unit = catalog().unit_or_404(shard, code)
    if unit.outlet(outlet) is None:
        abort(404)
    return qr_response(urls.absolute(settings()["base_url"], urls.outlet_path(code, outlet)), kind)


def register(app: Flask) -> None:
    """Add the outlet routes to the site app."""
    app.add_url_rule("/e/<shard>/<code>/<outlet>/", "outlet", outlet_page)
    app.add_url_rule("/e/<shard>/<code>/<outlet>/qr.<any(svg,png):kind>", "outlet_qr", outlet_qr)


def files(unit: Unit, key: str, conf: dict) -> list[Output]:
    """The page and QR codes of every outlet of ``unit``, keyed by the unit's key (the path
    tells the outlets apart)."""
    found = []
    for outlet in unit.outlets:
        path = urls.outlet_path(unit.code, outlet.code)
        owner = f"单位 {unit.code} 排放口 {outlet.code}"
        found.append(Output(path, owner, key))
        found += qr_outputs(path, owner, conf)
    return found
