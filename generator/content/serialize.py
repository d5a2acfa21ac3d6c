"""Plain JSON-ready records of the model, shared by unit JSON, open data and the search index."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

from generator.content.model import Measurement, Site, Unit
from generator.content.readers.pickled import PickledTuple

_SCALARS = frozenset((str, int, float, bool, type(None)))
#: Field names of each dataclass met (fields() is slow; units hold thousands of records).
_FIELDS: dict[type, tuple[str, ...]] = {}


def _measurement(m: Measurement) -> dict[str, Any]:
    """plain() of a measurement, written out: units hold most of their records in these."""
    return {
        "outlet": m.outlet,
        "pollutant": m.pollutant,
        "date": m.date.isoformat(),
        "value": m.value,
        "unit": m.unit,
        "method": m.method.value,
        "detection_limit": m.detection_limit,
    }


def plain(value: Any) -> Any:
    """Turn dataclasses, enums, dates and tuples into JSON-ready values."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Measurement:
        return _measurement(value)
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(kind):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | PickledTuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def unit_record(unit: Unit, site: Site) -> dict[str, Any]:
    """The full public record of one unit, with derived names and permit state."""
    record = plain(unit)
    record.pop("source", None)
    record["city_code"] = unit.city_code
    record["county_name"] = site.division_name(unit.county_code)
    record["city_name"] = site.division_name(unit.city_code)
    record["permit_state"] = unit.permit_state(site.judged_on).value
    return record
