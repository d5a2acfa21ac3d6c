"""One unit record (a YAML file or a JSON line, same schema) into a Unit. See docs/content.md."""

from __future__ import annotations

import datetime as dt
from math import isfinite as _finite
from typing import Any

from generator.content.enums import OUTLET_TYPE_LABELS
from generator.content.model import (
    Category,
    Coordinates,
    DataAsOf,
    Execution,
    Industry,
    Inspection,
    Measurement,
    Method,
    Outlet,
    OutletPollutant,
    Penalty,
    Permit,
    PermitStatus,
    PermittedAmount,
    Rectification,
    RectificationStatus,
    Unit,
)
from generator.content.problems import Problem
from generator.content.readers.fields import _DATE_CACHE as _DATES
from generator.content.readers.fields import (
    UNREAD_DAY,
    RecordReader,
    Sharing,
    as_date,
    as_number,
    below_detection,
    not_a_date,
    not_a_number,
    shown,
)
from generator.content.readers.yamlparse import OddNumber

UNIT_KEYS = frozenset(
    "fixed_source_code name short_names former_names uscc category industry county address "
    "coordinates legal_representative data_as_of permit outlets monitoring inspections "
    "penalties rectifications".split()
)
PERMIT_KEYS = frozenset("number authority valid_from valid_to status status_date permitted".split())
OUTLET_KEYS = frozenset(
    "code name type location coordinates stack_height_m diameter_m receiving_water pollutants mn".split()
)
POLLUTANT_KEYS = frozenset(
    "name unit limit_max limit_min standard method networked frequency".split()
)
COORDINATE_KEYS = frozenset({"lat", "lon"})
INDUSTRY_KEYS = frozenset({"code", "name"})
AS_OF_KEYS = frozenset({"permit", "monitoring", "enforcement"})
PERMITTED_KEYS = frozenset({"pollutant", "amount", "unit"})
INSPECTION_KEYS = frozenset("date authority kind problems_found findings".split())
PENALTY_KEYS = frozenset(
    "decision_number date authority violation legal_basis amount execution document_url".split()
)
RECTIFICATION_KEYS = frozenset("ref issued authority requirement due status closed".split())
SERIES_KEYS = frozenset("outlet pollutant unit method detection_limit values".split())
OUTLET_TYPES = tuple(OUTLET_TYPE_LABELS)


def read_unit(
    data: Any, file: str, line: int | None = None, sharing: Sharing | None = None
) -> tuple[Unit | None, list[Problem]]:
    """Turn one raw unit record into a Unit, or None with every problem found in it.
    ``sharing`` makes equal values of the units of one load one object."""
    record = file.rsplit("/", 1)[-1].split(".")[0] if line is None else f"第{line}行"
    if not isinstance(data, dict):
        words = "文件中没有内容（空文件或只有注释）" if data is None and line is None else None
        problem = Problem(file, record, "", words or "整个记录应为键值对（字段: 值）", line)
        return None, [problem]
    code = data.get("fixed_source_code")
    r = RecordReader(file, code if isinstance(code, str) and code else record, line, sharing)
    r.unknown_keys(data, UNIT_KEYS)
    industry = r.mapping(data, "industry", required=True) or {}
    r.unknown_keys(industry, INDUSTRY_KEYS, "industry.")
    as_of = r.mapping(data, "data_as_of", required=True) or {}
    r.unknown_keys(as_of, AS_OF_KEYS, "data_as_of.")
    outlets = tuple(_outlet(r, o) for o in r.items(data, "outlets"))
    fields = dict(
        fixed_source_code=r.text(data, "fixed_source_code"),
        name=r.text(data, "name"),
        uscc=r.text(data, "uscc"),
        category=r.choice(data, "category", Category),
        industry=r.shared(
            Industry(r.text(industry, "code", "industry."), r.text(industry, "name", "industry."))
        ),
        county_code=r.text(data, "county"),
        address=r.text(data, "address"),
        legal_representative=r.text(data, "legal_representative"),
        data_as_of=r.shared(
            DataAsOf(
                permit=r.date(as_of, "permit", "data_as_of.") or UNREAD_DAY,
                monitoring=r.date(as_of, "monitoring", "data_as_of.", required=False),
                enforcement=r.date(as_of, "enforcement", "data_as_of.", required=False),
            )
        ),
        coordinates=_coordinates(r, data, ""),
        short_names=r.texts(data, "short_names"),
        former_names=r.texts(data, "former_names"),
        permit=_permit(r, r.mapping(data, "permit")),
        outlets=outlets,
        measurements=_measurements(r, r.items(data, "monitoring")),
        inspections=tuple(
            _inspection(r, i, n) for n, i in enumerate(r.items(data, "inspections"), 1)
        ),
        penalties=tuple(_penalty(r, p, n) for n, p in enumerate(r.items(data, "penalties"), 1)),
        rectifications=tuple(
            _rectification(r, x, n) for n, x in enumerate(r.items(data, "rectifications"), 1)
        ),
        source=file if line is None else f"{file}:{line}",
    )
    if r.problems:
        return None, r.problems
    return Unit(**fields), []


def _coordinates(r: RecordReader, data: dict, path: str) -> Coordinates | None:
    raw = r.mapping(data, "coordinates", path)
    if raw is None:
        return None
    r.unknown_keys(raw, COORDINATE_KEYS, path + "coordinates.")
    lat = r.number(raw, "lat", path + "coordinates.", required=True)
    lon = r.number(raw, "lon", path + "coordinates.", required=True)
    return Coordinates(lat, lon) if lat is not None and lon is not None else None


def _permit(r: RecordReader, data: dict | None) -> Permit | None:
    if data is None:
        return None
    r.unknown_keys(data, PERMIT_KEYS, "permit.")
    permitted = []
    for n, item in enumerate(r.items(data, "permitted", "permit."), 1):
        path = f"permit.permitted[{n}]."
        r.unknown_keys(item, PERMITTED_KEYS, path)
        amount = r.number(item, "amount", path, required=True)
        permitted.append(
            r.shared(
                PermittedAmount(
                    r.text(item, "pollutant", path),
                    amount or 0.0,
                    r.text(item, "unit", path, False) or "t/a",
                )
            )
        )
    return Permit(
        number=r.text(data, "number", "permit."),
        authority=r.text(data, "authority", "permit."),
        valid_from=r.date(data, "valid_from", "permit.") or UNREAD_DAY,
        valid_to=r.date(data, "valid_to", "permit.") or UNREAD_DAY,
        status=r.choice(data, "status", PermitStatus, "permit.", PermitStatus.VALID),
        status_date=r.date(data, "status_date", "permit.", required=False),
        permitted=tuple(permitted),
    )


def _outlet(r: RecordReader, data: dict) -> Outlet:
    code = data.get("code")
    path = f"outlets[{shown(code)}]."
    r.unknown_keys(data, OUTLET_KEYS, path)
    kind = r.text(data, "type", path, required=False) or "general"
    if kind not in OUTLET_TYPES:
        allowed = "、".join(f"{code}（{label}）" for code, label in OUTLET_TYPE_LABELS.items())
        r.fail(path + "type", f"“{kind}” 不是允许的值；可用：{allowed}")
    return Outlet(
        code=r.text(data, "code", path),
        name=r.text(data, "name", path),
        type=kind,
        location=r.text(data, "location", path, required=False),
        coordinates=_coordinates(r, data, path),
        stack_height_m=r.number(data, "stack_height_m", path),
        diameter_m=r.number(data, "diameter_m", path),
        receiving_water=r.text(data, "receiving_water", path, required=False),
        pollutants=tuple(_pollutant(r, p, path) for p in r.items(data, "pollutants", path)),
        mn=r.text(data, "mn", path, required=False),
    )


def _pollutant(r: RecordReader, data: dict, outlet_path: str) -> OutletPollutant:
    path = f"{outlet_path}pollutants[{shown(data.get('name'))}]."
    r.unknown_keys(data, POLLUTANT_KEYS, path)
    return r.shared(
        OutletPollutant(
            name=r.text(data, "name", path),
            unit=r.text(data, "unit", path),
            limit_max=r.number(data, "limit_max", path),
            limit_min=r.number(data, "limit_min", path),
            standard=r.text(data, "standard", path, required=False),
            method=r.choice(data, "method", Method, path, Method.MANUAL),
            networked=r.flag(data, "networked", path),
            frequency=r.text(data, "frequency", path, required=False),
        )
    )


def _measurements(r: RecordReader, series: list[dict]) -> tuple[Measurement, ...]:
    found: list[Measurement] = []
    seen: dict[tuple[str, str, dt.date], tuple[int, Any]] = {}
    for n, data in enumerate(series, 1):
        path = f"monitoring[{n}]."
        r.unknown_keys(data, SERIES_KEYS, path)
        outlet = r.text(data, "outlet", path)
        pollutant = r.text(data, "pollutant", path)
        unit = r.text(data, "unit", path)
        method = r.choice(data, "method", Method, path, Method.MANUAL)
        limit = _detection_limit(r, data.get("detection_limit"), path + "detection_limit")
        values = r.mapping(data, "values", path, required=True) or {}
        for raw_date, raw_value in values.items():
            # Fast path for the millions of plain values in bulk exports; as_* for the rest.
            date = _DATES.get(raw_date) if type(raw_date) is str else None
            date = date or as_date(raw_date)
            kind = type(raw_value)
            value = raw_value if kind is float and _finite(raw_value) else as_number(raw_value)
            if date is None:
                r.fail(f"{path}values", not_a_date(raw_date))
                continue
            if (outlet, pollutant, date) in seen:
                r.fail(f"{path}values.{date}", _twice(seen[outlet, pollutant, date], n, raw_date))
                continue
            seen[outlet, pollutant, date] = (n, raw_date)
            if value is not None:
                if limit is not None and value < limit:
                    r.fail(
                        f"{path}values.{date}",
                        f"监测值 {value:g} 低于本序列的检出限 {limit:g}，应写作未检出：{limit:g}L",
                    )
                found.append(Measurement(outlet, pollutant, date, value, unit, method))
            else:
                below = _below_limit(r, raw_value, limit, f"{path}values.{date}")
                if below is not None:
                    found.append(Measurement(outlet, pollutant, date, None, unit, method, below))
    return tuple(found)


def _twice(first: tuple[int, Any], n: int, second: Any) -> str:
    """The same outlet, pollutant and day written twice: in one series (as a date and as
    quoted text) or in two series of the same outlet and pollutant."""
    where = "" if first[0] == n else f"，另一个在 monitoring[{first[0]}]（同一排放口和污染物）"
    return (
        f"同一天的监测值写了两次（{_key_text(first[1])} 和 {_key_text(second)}{where}），"
        "后一个会覆盖前一个；请只保留一个"
    )


def _key_text(raw: Any) -> str:
    return f"加了引号的“{raw}”" if isinstance(raw, str) else shown(raw)


def _detection_limit(r: RecordReader, raw: Any, field: str) -> float | None:
    """A series' ``detection_limit``: a positive finite number, or None if not given."""
    if raw is None:
        return None
    limit = as_number(raw)
    if limit is None or limit <= 0:
        r.fail(field, f"检出限应为大于 0 的数字，实为 {shown(raw)}")
        return None
    return limit


def _below_limit(r: RecordReader, raw: Any, series_limit: float | None, field: str) -> float | None:
    """The detection limit of a result written as not detected, or None (problem reported)."""
    below, limit = below_detection(raw) if isinstance(raw, str) else (False, None)
    if isinstance(raw, OddNumber):
        r.fail(field, not_a_number(raw))
        return None
    if not below:
        r.fail(
            field,
            f"监测值应为数字，或写作未检出（<0.5、0.5L，或 ND 并填写 detection_limit），"
            f"实为 {shown(raw)}",
        )
        return None
    limit = limit if limit is not None else series_limit
    if limit is None:
        r.fail(
            field,
            f"“{shown(raw)}”（未检出）须给出检出限：写作 <0.5 或 0.5L，"
            "或在该监测序列填写 detection_limit",
        )
        return None
    if not 0 < limit < float("inf"):
        r.fail(field, f"检出限应为大于 0 的有限数字，实为 {shown(raw)}")
        return None
    return limit


def _inspection(r: RecordReader, data: dict, n: int) -> Inspection:
    path = f"inspections[{n}]."
    r.unknown_keys(data, INSPECTION_KEYS, path)
    return Inspection(
        date=r.date(data, "date", path) or UNREAD_DAY,
        authority=r.text(data, "authority", path),
        kind=r.text(data, "kind", path, required=False),
        findings=r.text(data, "findings", path, required=False),
        problems_found=r.flag(data, "problems_found", path),
    )


def _penalty(r: RecordReader, data: dict, n: int) -> Penalty:
    path = f"penalties[{shown(data.get('decision_number') or n)}]."
    r.unknown_keys(data, PENALTY_KEYS, path)
    return Penalty(
        decision_number=r.text(data, "decision_number", path),
        date=r.date(data, "date", path) or UNREAD_DAY,
        authority=r.text(data, "authority", path),
        violation=r.text(data, "violation", path),
        legal_basis=r.text(data, "legal_basis", path),
        amount=r.number(data, "amount", path, required=True) or 0.0,
        execution=r.choice(data, "execution", Execution, path, Execution.PENDING),
        document_url=r.text(data, "document_url", path, required=False),
    )


def _rectification(r: RecordReader, data: dict, n: int) -> Rectification:
    path = f"rectifications[{shown(data.get('ref') or n)}]."
    r.unknown_keys(data, RECTIFICATION_KEYS, path)
    return Rectification(
        ref=r.text(data, "ref", path),
        issued=r.date(data, "issued", path) or UNREAD_DAY,
        authority=r.text(data, "authority", path),
        requirement=r.text(data, "requirement", path),
        due=r.date(data, "due", path) or UNREAD_DAY,
        status=r.choice(data, "status", RectificationStatus, path, RectificationStatus.OPEN),
        closed=r.date(data, "closed", path, required=False),
    )
