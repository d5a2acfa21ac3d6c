"""The unit page (the target of a unit's QR code), its JSON and CSV data and its QR code."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from flask import Flask, Response, current_app, render_template
from markupsafe import Markup

from generator import urls
from generator.content.draws import PublicDraw
from generator.content.model import Measurement, Outlet, OutletPollutant, Site, Unit
from generator.content.results import Judgement, judge, verdict
from generator.content.serialize import unit_record
from generator.pages.charts import line_chart
from generator.pages.nearby import list_key
from generator.pages.unit_feed import FEED_FILE, unit_feed_bytes
from generator.pages.views.common import Catalog, Output, catalog, digest, settings
from generator.pages.views.draws import Outcome, outcome, unit_draws_key
from generator.pages.views.ledger import unit_ledger_key
from generator.pages.views.monitoring import (
    RATING_PATH,
    auto_blocks,
    compliance_strip,
    confirmed_findings,
)
from generator.pages.views.unit_summary import unit_summary
from generator.qr.encode import QRCache
from generator.spreadsheet import neutralise_row

#: The chart and table show this many days before the unit's monitoring data date.
WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class Series:
    """One pollutant on one outlet over the last 12 months, checked against its limit."""

    outlet: Outlet
    pollutant: OutletPollutant
    #: Each result with its judgement and the verdict shown (超标, 达标, 无法判定（…）).
    points: tuple[tuple[Measurement, Judgement, str], ...]
    chart: Markup

    @property
    def exceedances(self) -> int:
        """How many results exceed the limit (a result below the detection limit never does)."""
        return sum(1 for _, j, _ in self.points if j is Judgement.EXCEEDS)


def monitoring_end(unit: Unit, cat: Catalog) -> dt.date:
    """The last day of the unit's monitoring window."""
    return unit.data_as_of.monitoring or cat.as_of


def outlet_series(unit: Unit, outlet: Outlet, end: dt.date) -> list[Series]:
    """Every monitored pollutant of ``outlet`` over the window ending ``end``."""
    start = end - dt.timedelta(days=WINDOW_DAYS)
    found: list[Series] = []
    for pollutant in outlet.pollutants:
        rows = [m for m in unit.series(outlet.code, pollutant.name) if start < m.date <= end]
        if not rows:
            continue
        judged = [(m, judge(pollutant, m)) for m in rows]
        points = tuple((m, j, verdict(pollutant, m, j)) for m, j in judged)
        limits = [v for v in (pollutant.limit_min, pollutant.limit_max) if v is not None]
        chart = line_chart(
            [(m.date, m.value) for m, _ in judged if m.value is not None],
            limits,
            _chart_label(outlet, pollutant, [j for _, j in judged], rows),
            f"c-{outlet.code}-{len(found)}",
            [j is Judgement.EXCEEDS for m, j in judged if m.value is not None],
            [(m.date, m.detection_limit or 0.0) for m in rows if m.value is None],
        )
        found.append(Series(outlet, pollutant, points, chart))
    return found


def _chart_label(
    outlet: Outlet, pollutant: OutletPollutant, judged: list[Judgement], rows: list[Measurement]
) -> str:
    """The chart's accessible title: what it shows and how many results exceed."""
    label = (
        f"{outlet.code} {pollutant.name} 近12个月监测值（{pollutant.unit}），"
        f"限值 {pollutant.limit_text}，超标 {judged.count(Judgement.EXCEEDS)} 次"
    )
    missing = sum(1 for m in rows if m.value is None)
    if missing:
        label += f"，未检出 {missing} 次（空心三角表示检出限）"
    if Judgement.NOT_JUDGED in judged:
        label += f"，无法判定 {judged.count(Judgement.NOT_JUDGED)} 次"
    return label


class LastSeries:
    """The series of the last unit asked for, kept by each site app (and by each forked copy
    of it): a build freezes a unit's page and its outlets' pages one after another, and they
    show the same charts."""

    def __init__(self) -> None:
        self.unit: Unit | None = None
        self.series: dict[str, list[Series]] = {}

    def get(self, unit: Unit, cat: Catalog) -> dict[str, list[Series]]:
        """The series of every outlet of ``unit``, by outlet code."""
        if self.unit is not unit:
            end = monitoring_end(unit, cat)
            self.series = {o.code: outlet_series(unit, o, end) for o in unit.outlets}
            self.unit = unit
        return self.series


def unit_series(unit: Unit, cat: Catalog) -> dict[str, list[Series]]:
    """The series of every outlet of ``unit``, by outlet code (kept for the next call by the
    running site app's ``LastSeries``)."""
    memo: LastSeries = current_app.extensions["yimatong.series"]
    return memo.get(unit, cat)


def unit_page(shard: str, code: str) -> str:
    """The public disclosure page of one unit."""
    cat = catalog()
    unit = cat.unit_or_404(shard, code)
    per_outlet = unit_series(unit, cat)
    series = [s for o in unit.outlets for s in per_outlet[o.code]]
    stats = cat.site.report_stats.get("units", {}).get(code) if cat.site.report_stats else None
    ledger = cat.site.ledger_of(code)
    auto = cat.monitoring.units.get(code)
    return render_template(
        "unit.html",
        unit=unit,
        row=cat.rows[code],
        series=series,
        summary=unit_summary(unit, series, cat.as_of, cat.judged_on, ledger),
        stats=stats,
        ledger=sorted(ledger, key=lambda i: (i.found_on, i.id), reverse=True),
        ledger_as_of=cat.site.ledger_as_of,
        drawn=_drawn(cat, code),
        as_of=cat.as_of,
        judged_on=cat.judged_on,
        report_href=urls.report_url(settings()["feedback_url"], code),
        follow_href=urls.follow_url(settings()["feedback_url"], code),
        penalties=sorted(unit.penalties, key=lambda p: p.date, reverse=True),
        inspections=sorted(unit.inspections, key=lambda i: i.date, reverse=True),
        rectifications=sorted(unit.rectifications, key=lambda r: r.issued, reverse=True),
        auto=auto,
        auto_blocks=auto_blocks(auto),
        strip=compliance_strip(unit, cat),
        findings=confirmed_findings(ledger),
        rating_path=RATING_PATH,
        nearby=cat.nearby(unit),
        nearby_radius_m=cat.nearby_conf[0],
    )


def _drawn(cat: Catalog, code: str) -> list[tuple[PublicDraw, str, Outcome]]:
    """The unit's draws, newest first, with the drawing body's name and the result."""
    names = {b.id: b.name for b in cat.site.bodies}
    found = reversed(cat.site.draws_of(code))
    return [(d, names.get(d.body, d.body), outcome(cat.site, d, code)) for d in found]


def unit_json_bytes(unit: Unit, site: Site) -> bytes:
    """The unit's full public record as compact JSON (json's C encoder: no indent)."""
    body = json.dumps(
        unit_record(unit, site), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    return (body + "\n").encode()


def unit_json(shard: str, code: str) -> Response:
    """The unit's full public record as JSON."""
    cat = catalog()
    unit = cat.unit_or_404(shard, code)
    return Response(unit_json_bytes(unit, cat.site), mimetype="application/json")


CSV_HEADER = [
    "排放口编号",
    "污染物",
    "日期",
    "监测值",
    "未检出",
    "检出限",
    "单位",
    "监测方式",
    "限值下限",
    "限值上限",
    "执行标准",
    "是否超标",
]


#: 是否超标 in a unit's CSV: a result below the detection limit is never 是.
CSV_VERDICTS = {
    Judgement.EXCEEDS: "是",
    Judgement.WITHIN: "否",
    Judgement.NOT_JUDGED: "无法判定",
    Judgement.NO_LIMIT: "无限值",
}


def unit_csv_bytes(unit: Unit) -> bytes:
    """The unit's monitoring results with their limits as CSV (UTF-8 with BOM for Excel, no formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    # The first outlet and pollutant of a name win, as in Unit.outlet and Outlet.pollutant.
    limits = {(o.code, p.name): p for o in reversed(unit.outlets) for p in reversed(o.pollutants)}
    for m in sorted(unit.measurements, key=lambda m: (m.outlet, m.pollutant, m.date)):
        pol = limits.get((m.outlet, m.pollutant))
        judgement = judge(pol, m)
        writer.writerow(
            neutralise_row(
                [
                    m.outlet,
                    m.pollutant,
                    m.date.isoformat(),
                    "" if m.value is None else f"{m.value:g}",
                    "否" if m.detected else "是",
                    "" if m.detection_limit is None else f"{m.detection_limit:g}",
                    m.unit,
                    m.method.label,
                    "" if pol is None or pol.limit_min is None else f"{pol.limit_min:g}",
                    "" if pol is None or pol.limit_max is None else f"{pol.limit_max:g}",
                    pol.standard if pol else "",
                    CSV_VERDICTS[judgement],
                ]
            )
        )
    return codecs.BOM_UTF8 + buffer.getvalue().encode()


def unit_feed(shard: str, code: str) -> Response:
    """The unit's Atom feed."""
    cat = catalog()
    unit = cat.unit_or_404(shard, code)
    body = unit_feed_bytes(unit, cat.site, settings()["base_url"])
    return Response(body, mimetype="application/atom+xml")


def unit_csv(shard: str, code: str) -> Response:
    """The unit's monitoring results as CSV."""
    unit = catalog().unit_or_404(shard, code)
    return Response(unit_csv_bytes(unit), mimetype="text/csv")


def data_file(cat: Catalog, code: str, name: str, base_url: str) -> bytes:
    """Bytes of the unit's data file ``name`` (data.json, data.csv, feed.atom), made without Flask."""
    unit = cat.site.unit(code)
    if unit is None:
        raise KeyError(f"没有编码为 {code} 的排污单位")
    if name == FEED_FILE:
        return unit_feed_bytes(unit, cat.site, base_url)
    return unit_json_bytes(unit, cat.site) if name == "data.json" else unit_csv_bytes(unit)


def qr_response(url: str, kind: str) -> Response:
    """The QR code for ``url`` as SVG or PNG, from the QR cache."""
    conf = settings()
    svg, png = QRCache(conf["cache_dir"] + "/qr", conf["qr_error"], conf["qr_border"]).get(url)
    return (
        Response(svg, mimetype="image/svg+xml")
        if kind == "svg"
        else Response(png, mimetype="image/png")
    )


def unit_qr(shard: str, code: str, kind: str) -> Response:
    """The unit's QR code, encoding the absolute address of its page."""
    catalog().unit_or_404(shard, code)
    return qr_response(urls.absolute(settings()["base_url"], urls.unit_path(code)), kind)


def register(app: Flask) -> None:
    """Add the unit routes to the site app, and its memo of the last unit's series."""
    app.extensions["yimatong.series"] = LastSeries()
    app.add_url_rule("/e/<shard>/<code>/", "unit", unit_page)
    app.add_url_rule("/e/<shard>/<code>/data.json", "unit_json", unit_json)
    app.add_url_rule("/e/<shard>/<code>/data.csv", "unit_csv", unit_csv)
    app.add_url_rule(f"/e/<shard>/<code>/{FEED_FILE}", "unit_feed", unit_feed)
    app.add_url_rule("/e/<shard>/<code>/qr.<any(svg,png):kind>", "unit_qr", unit_qr)


def as_of_marks(unit: Unit, as_of: dt.date) -> str:
    """What a unit's own files (and its rows in listings, open data and search) show that
    depends on the site's as-of date: its permit state and which rectifications are overdue.

    Unit keys carry these marks instead of the date, so a new as-of date (every day's
    export has one) redoes only the units whose badge or overdue flags change with it.
    """
    overdue = "".join("1" if r.overdue(as_of) else "0" for r in unit.rectifications)
    # The compliance history ends with the quarter of the as-of date.
    return f"{unit.permit_state(as_of).value}/{overdue}/{as_of.year}Q{(as_of.month + 2) // 3}"


def unit_key(unit: Unit, cat: Catalog) -> str:
    """Content key of everything a unit's own files show (computed once per build)."""
    known = cat.unit_keys.get(unit.code)
    if known:
        return known
    stats = cat.site.report_stats.get("units", {}).get(unit.code) if cat.site.report_stats else None
    marks = as_of_marks(unit, cat.judged_on)
    ledger = unit_ledger_key(cat.site, unit.code)
    drawn = unit_draws_key(cat.site, unit.code)
    shown = cat.monitoring.units.get(unit.code)
    # Only what a unit shows goes in: no ledger, draws or monitoring keeps the old key.
    extra = (stats,) if ledger is None and drawn is None else (stats, ledger, drawn)
    if shown is not None:
        extra = (*extra, shown)
    near = list_key(cat.nearby(unit), cat.nearby_conf[0])
    if near:
        extra = (*extra, near)
    key = cat.unit_keys[unit.code] = digest(unit, marks, *extra)
    return key


#: The QR code files in the folder of every unit and outlet page.
QR_FILES = ("qr.svg", "qr.png")
#: A unit's own data files beside its page (and its Atom feed).
DATA_FILES = ("data.json", "data.csv", FEED_FILE)


def qr_outputs(path: str, owner: str, conf: dict) -> list[Output]:
    """The SVG and PNG QR code files in the folder of page ``path``.

    Their key is constant: a code depends only on its URL, which its path and the base URL
    fix, and on the QR settings; those settings are part of the global key.
    """
    url = urls.absolute(conf["base_url"], path)
    return [Output(f"{path}{name}", owner, "qr", "qr", url) for name in QR_FILES]


def files(unit: Unit, key: str, conf: dict) -> list[Output]:
    """The unit's own files: page, data, QR codes."""
    path, owner = urls.unit_path(unit.code), f"单位 {unit.code}"
    return [
        Output(path, owner, key),
        *(Output(path + name, owner, key, "data", unit.code) for name in DATA_FILES),
        *qr_outputs(path, owner, conf),
    ]
