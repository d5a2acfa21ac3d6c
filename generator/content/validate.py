"""Whole-model checks on loaded content (the ``yimatong check`` command is in check.py).

Readers report what cannot be read (missing fields, wrong types, unknown values); these checks
report what was read but cannot be true. Every problem is collected; nothing stops at the first.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

from generator import clock
from generator.content.codes import (
    FIXED_SOURCE_LETTERS,
    characters_problem,
    fixed_source_problem,
    industry_problem,
    mn_problem,
    outlet_problem,
    uscc_problem,
    web_address,
)
from generator.content.divisions import all_divisions
from generator.content.model import (
    Category,
    Coordinates,
    Division,
    EnforcementBody,
    Outlet,
    Permit,
    PermitStatus,
    RectificationStatus,
    Site,
    Unit,
)
from generator.content.problems import Problem
from generator.content.validate_bodies import check_bodies, check_coverage
from generator.content.validate_places import place_problem, province_problem
from generator.progress import counted

__all__ = ["validate", "check_unit", "check_duplicates", "check_bodies"]

#: The fixed-source letter that marks a discharge permit (HJ 608: P).
PERMIT_LETTER = next(k for k, v in FIXED_SOURCE_LETTERS.items() if v == "排污许可证")
#: China's rough bounding box (latitude, longitude in degrees, WGS-84): a point outside it
#: cannot be a unit of this site. Swapped latitude and longitude are the usual cause.
CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.4, 135.1)


class _Checker:
    """Collects problems for one unit, naming its file, line and code."""

    def __init__(self, unit: Unit, problems: list[Problem]) -> None:
        file, _, line = unit.source.partition(":")
        self.file = file or "?"
        self.line = int(line) if line.isdigit() else None
        self.record = unit.fixed_source_code
        self.problems = problems

    def fail(self, field: str, message: str) -> None:
        """Record one problem in ``field`` of this unit."""
        self.problems.append(Problem(self.file, self.record, field, message, self.line))


def validate(
    site_or_records: Site | Iterable[Unit],
    divisions: dict[str, Division] | None = None,
    bodies: Iterable[EnforcementBody] | None = None,
    today: dt.date | None = None,
    checked: frozenset[str] = frozenset(),
    bar: Any = None,
) -> list[Problem]:
    """Every problem in a Site (or a list of units), in file order; an empty list if all is well.

    Units whose source is in ``checked`` passed the per-unit checks before on ``today``
    (see readers/loadcache.py) and are not checked again; the whole-model checks always run.
    ``bar`` (a progress bar) is moved on by one per unit checked.
    """
    site = site_or_records if isinstance(site_or_records, Site) else None
    units = site.units if site is not None else tuple(cast(Iterable[Unit], site_or_records))
    if site:
        divisions = divisions or site.divisions
        bodies = site.bodies if bodies is None else bodies
    if not divisions:
        divisions = all_divisions()
    today = today or clock.china_today()
    problems: list[Problem] = []
    problem = province_problem(site.province) if site else None
    if problem:
        problems.append(Problem("site.yaml", "site", "province", problem))
    for unit in counted((u for u in units if u.source not in checked), bar):
        check_unit(unit, divisions, today, problems)
    for unit in (u for u in units if u.source in checked):
        # The province is site.yaml's, not the unit file's: a unit checked under another
        # province's site is checked against this one's divisions again.
        _check_county(_Checker(unit, problems), unit, divisions)
    check_duplicates(units, problems)
    check_bodies(tuple(bodies or ()), divisions, problems)
    check_coverage(units, tuple(bodies or ()), divisions, problems)
    return problems


def check_unit(
    unit: Unit, divisions: dict[str, Division], today: dt.date, problems: list[Problem]
) -> None:
    """All checks that look at one unit alone.

    They may depend on ``today`` only as "not after today": a unit that passes on one day
    passes on every later day, which lets the load cache skip them for units already checked.
    """
    c = _Checker(unit, problems)
    _check_codes(c, unit)
    _check_county(c, unit, divisions)
    _check_coordinates(c, "", unit.coordinates)
    for outlet in unit.outlets:
        _check_coordinates(c, f"outlets[{outlet.code}].", outlet.coordinates)
    _check_category(c, unit)
    if unit.permit:
        _check_permit(c, unit.permit, unit.fixed_source_code)
    _check_outlets(c, unit.outlets)
    _check_measurements(c, unit, today)
    _check_enforcement(c, unit)
    _check_as_of(c, unit, today)


def _check_codes(c: _Checker, unit: Unit) -> None:
    code = unit.fixed_source_code
    problem = fixed_source_problem(code)
    if problem:
        c.fail("fixed_source_code", problem)
    problem = uscc_problem(unit.uscc)
    if problem:
        c.fail("uscc", problem)
    elif unit.uscc != code[:18]:
        c.fail("uscc", f"统一社会信用代码 {unit.uscc} 应与排污单位编码前18位 {code[:18]} 一致")
    problem = industry_problem(unit.industry.code)
    if problem:
        c.fail("industry.code", problem)
    stem, dot, suffix = c.file.rsplit("/", 1)[-1].rpartition(".")
    if dot and suffix in ("yaml", "yml") and stem != code:
        c.fail(
            "fixed_source_code",
            f"文件名应与排污单位编码一致：文件应命名为 {code}.yaml，实为 {stem}.{suffix}",
        )


def _check_county(c: _Checker, unit: Unit, divisions: dict[str, Division]) -> None:
    problem = place_problem(unit.county_code, divisions, "county")
    if problem:
        c.fail("county", problem)


def _check_coordinates(c: _Checker, path: str, point: Coordinates | None) -> None:
    """Latitude and longitude are possible, and the point lies in China's rough box."""
    if point is None:
        return
    lat, lon = point.lat, point.lon
    swapped = "；纬度和经度可能写反了" if _in_china(lon, lat) else ""
    if not -90 <= lat <= 90:
        c.fail(path + "coordinates.lat", f"纬度应在 -90 到 90 度之间，实为 {lat:g}{swapped}")
    if not -180 <= lon <= 180:
        c.fail(path + "coordinates.lon", f"经度应在 -180 到 180 度之间，实为 {lon:g}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or _in_china(lat, lon):
        return
    box = f"纬度约 {CHINA_LAT[0]:g}–{CHINA_LAT[1]:g}，经度约 {CHINA_LON[0]:g}–{CHINA_LON[1]:g}"
    hint = "；纬度和经度可能写反了" if _in_china(lon, lat) else ""
    c.fail(path + "coordinates", f"坐标（纬度 {lat:g}，经度 {lon:g}）不在中国境内（{box}）{hint}")


def _in_china(lat: float, lon: float) -> bool:
    return CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]


def _check_category(c: _Checker, unit: Unit) -> None:
    letter = unit.fixed_source_code[21:22]
    if unit.category is Category.REGISTRATION:
        if unit.permit is not None:
            c.fail("permit", "登记管理单位没有排污许可证，请删除 permit 或改正管理类别")
        if letter == PERMIT_LETTER:
            c.fail(
                "fixed_source_code",
                f"登记管理单位的排污单位编码第22位不应是 {PERMIT_LETTER}（排污许可证）",
            )
        return
    if unit.permit is None:
        c.fail("permit", f"{unit.category.label}单位必须有排污许可证（permit）")
    if letter and letter != PERMIT_LETTER:
        c.fail(
            "fixed_source_code", f"持证单位的排污单位编码第22位应为 {PERMIT_LETTER}，实为 {letter}"
        )


def _check_permit(c: _Checker, permit: Permit, code: str) -> None:
    problem = characters_problem(permit.number, "许可证编号")
    if problem:
        c.fail("permit.number", problem)
    elif permit.number != code:
        c.fail("permit.number", f"许可证编号 {permit.number} 应与排污单位编码 {code} 一致")
    if permit.valid_from >= permit.valid_to:
        c.fail("permit.valid_to", f"有效期止 {permit.valid_to} 应晚于有效期起 {permit.valid_from}")
    if (
        permit.status in (PermitStatus.REVOKED, PermitStatus.CANCELLED)
        and permit.status_date is None
    ):
        c.fail(
            "permit.status_date",
            f"许可证状态为 {permit.status.value}（撤销或注销）时必须填写 status_date 日期",
        )
    for item in permit.permitted:
        if item.amount < 0:
            c.fail(
                f"permit.permitted[{item.pollutant}].amount",
                f"许可排放量不能为负数：{item.amount:g}",
            )


def _check_outlets(c: _Checker, outlets: tuple[Outlet, ...]) -> None:
    for code, count in Counter(o.code for o in outlets).items():
        if count > 1:
            c.fail(f"outlets[{code}]", f"排放口编号 {code} 在本单位出现了 {count} 次，编号不能重复")
    for outlet in outlets:
        path = f"outlets[{outlet.code}]"
        problem = outlet_problem(outlet.code)
        if problem:
            c.fail(path + ".code", problem)
        for name, value in (
            ("stack_height_m", outlet.stack_height_m),
            ("diameter_m", outlet.diameter_m),
        ):
            if value is not None and value <= 0:
                c.fail(f"{path}.{name}", f"应为正数，实为 {value:g}")
        if outlet.mn:
            problem = mn_problem(outlet.mn)
            if problem:
                c.fail(path + ".mn", problem)
        for name, count in Counter(p.name for p in outlet.pollutants).items():
            if count > 1:
                c.fail(f"{path}.pollutants[{name}]", f"污染物 {name} 在该排放口列了 {count} 次")
        for p in outlet.pollutants:
            where = f"{path}.pollutants[{p.name}]"
            if p.limit_min is not None and p.limit_max is not None and p.limit_min > p.limit_max:
                c.fail(where + ".limit_min", f"下限 {p.limit_min:g} 大于上限 {p.limit_max:g}")
            if p.limit_max is not None and p.limit_max < 0:
                c.fail(where + ".limit_max", f"限值不能为负数：{p.limit_max:g}")


def _check_measurements(c: _Checker, unit: Unit, today: dt.date) -> None:
    if not unit.measurements:
        return
    listed = {(o.code, p.name): p for o in unit.outlets for p in o.pollutants}
    outlets = {o.code for o in unit.outlets}
    as_of = unit.data_as_of.monitoring
    if as_of is None:
        c.fail(
            "data_as_of.monitoring", "有监测数据时必须填写监测数据截至日期 data_as_of.monitoring"
        )
    limit = min(as_of, today) if as_of else today
    reported: set[tuple] = set()
    for m in unit.measurements:
        key = (m.outlet, m.pollutant)
        path = f"monitoring[{m.outlet}/{m.pollutant}]"
        entry = listed.get(key)
        if entry is None and key not in reported:
            reported.add(key)
            if m.outlet not in outlets:
                problem = characters_problem(m.outlet, "排放口编号")
                known = "、".join(sorted(outlets)) or "无"
                c.fail(
                    path + ".outlet",
                    f"{problem}（本单位排放口：{known}）"
                    if problem
                    else f"排放口 {m.outlet} 不存在（本单位排放口：{known}）",
                )
            else:
                c.fail(
                    path + ".pollutant",
                    f"排放口 {m.outlet} 没有列出污染物 {m.pollutant}，请先在 outlets 中登记",
                )
        elif entry is not None and entry.unit != m.unit and key + (m.unit,) not in reported:
            reported.add(key + (m.unit,))
            c.fail(
                path + ".unit", f"监测值单位 {m.unit} 与排放口该污染物的单位 {entry.unit} 不一致"
            )
        if m.value is not None and m.value < 0:
            c.fail(f"{path}.values.{m.date}", f"监测值不能为负数：{m.value:g}")
        if m.date > limit:
            when = "今天" if limit == today else f"监测数据截至日期 {as_of}"
            c.fail(f"{path}.values.{m.date}", f"监测日期 {m.date} 晚于{when}，不能是将来的数据")


def _check_as_of(c: _Checker, unit: Unit, today: dt.date) -> None:
    """Data-as-of dates are not in the future; enforcement events are not after their as-of date."""
    for name in ("permit", "monitoring", "enforcement"):
        day = getattr(unit.data_as_of, name)
        if day and day > today:
            c.fail(f"data_as_of.{name}", f"数据截至日期 {day} 晚于今天")
    events = [(f"inspections[{i.date}].date", i.date) for i in unit.inspections]
    events += [(f"penalties[{p.decision_number}].date", p.date) for p in unit.penalties]
    events += [(f"rectifications[{r.ref}].issued", r.issued) for r in unit.rectifications]
    events += [
        (f"rectifications[{r.ref}].closed", r.closed) for r in unit.rectifications if r.closed
    ]
    as_of = unit.data_as_of.enforcement
    if events and as_of is None:
        c.fail(
            "data_as_of.enforcement",
            "有检查、处罚或整改记录时必须填写执法数据截至日期 data_as_of.enforcement",
        )
    for field, day in events:
        if as_of and day > as_of:
            c.fail(field, f"日期 {day} 晚于执法数据截至日期 {as_of}")


def _check_enforcement(c: _Checker, unit: Unit) -> None:
    for p in unit.penalties:
        if p.amount < 0:
            c.fail(f"penalties[{p.decision_number}].amount", f"罚款金额不能为负数：{p.amount:g}")
        if p.document_url and not web_address(p.document_url):
            c.fail(
                f"penalties[{p.decision_number}].document_url",
                f"处罚决定书链接应为 https:// 或 http:// 开头的网址，实为 {p.document_url[:60]}",
            )
    for r in unit.rectifications:
        path = f"rectifications[{r.ref}]"
        if r.due < r.issued:
            c.fail(path + ".due", f"整改期限 {r.due} 早于下达日期 {r.issued}")
        if r.status is RectificationStatus.CLOSED and r.closed is None:
            c.fail(path + ".closed", "整改已销号（closed）时必须填写销号日期 closed")
        elif r.closed is not None and r.closed < r.issued:
            c.fail(path + ".closed", f"销号日期 {r.closed} 早于下达日期 {r.issued}")
        if r.status is RectificationStatus.OPEN and r.closed is not None:
            c.fail(path + ".status", "填写了销号日期，但状态仍为 open（整改中）；已销号请写 closed")


def check_duplicates(units: Iterable[Unit], problems: list[Problem]) -> None:
    """Unit codes, penalty decision numbers and outlet MNs are unique across all files and lines."""
    first_unit: dict[str, str] = {}
    first_penalty: dict[str, str] = {}
    first_mn: dict[str, str] = {}
    for unit in units:
        _check_mn_twice(unit, first_mn, problems)
        code = unit.fixed_source_code
        if code in first_unit:
            _Checker(unit, problems).fail(
                "fixed_source_code", f"排污单位编码重复：{first_unit[code]} 已有同一编码的单位"
            )
        else:
            first_unit[code] = unit.source
        for p in unit.penalties:
            number = _same_looking(p.decision_number)
            if number in first_penalty:
                where = first_penalty[number]
                _Checker(unit, problems).fail(
                    f"penalties[{p.decision_number}]", f"处罚决定书文号重复：{where} 已使用该文号"
                )
            else:
                first_penalty[number] = f"{unit.source} [{code}]（{p.decision_number}）"


def _check_mn_twice(unit: Unit, first: dict[str, str], problems: list[Problem]) -> None:
    """An MN names one data logger at one outlet: a second outlet with it is refused."""
    for outlet in unit.outlets:
        if not outlet.mn:
            continue
        mn = outlet.mn.upper()
        where = f"{unit.source} [{unit.fixed_source_code}] 排放口 {outlet.code}"
        if mn in first:
            _Checker(unit, problems).fail(
                f"outlets[{outlet.code}].mn",
                f"数采仪编号（MN）{outlet.mn} 重复：{first[mn]} 已使用；一个 MN 只能对应一个排放口",
            )
        else:
            first[mn] = where


def _same_looking(text: str) -> str:
    """A decision number as compared: full-width digits, ［］ and spaces do not make it new."""
    return "".join(unicodedata.normalize("NFKC", text).split())
