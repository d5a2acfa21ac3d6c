"""The rows of each open data table, made from one unit at a time (see tables.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.content.model import Site, Unit
from generator.content.results import judge
from generator.opendata.cells import cell
from generator.urls import absolute, outlet_path, unit_path

Row = dict[str, Any]


def unit_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """One row: the unit, its permit state and its data-as-of dates."""
    p = u.permit
    yield {
        "fixed_source_code": u.code,
        "name": u.name,
        "uscc": u.uscc,
        "category": u.category.value,
        "category_label": u.category.label,
        "industry_code": u.industry.code,
        "industry_name": u.industry.name,
        "county_code": u.county_code,
        "county_name": site.division_name(u.county_code),
        "city_code": u.city_code,
        "city_name": site.division_name(u.city_code),
        "address": u.address,
        "lat": u.coordinates.lat if u.coordinates else None,
        "lon": u.coordinates.lon if u.coordinates else None,
        "legal_representative": u.legal_representative,
        "short_names": "；".join(u.short_names),
        "former_names": "；".join(u.former_names),
        "permit_number": p.number if p else None,
        "permit_valid_to": p.valid_to if p else None,
        "permit_state": u.permit_state(site.judged_on).value,
        "permit_state_label": u.permit_state(site.judged_on).label,
        "outlet_count": len(u.outlets),
        "penalty_count": len(u.penalties),
        "open_rectification_count": sum(r.status.value == "open" for r in u.rectifications),
        "data_as_of_permit": u.data_as_of.permit,
        "data_as_of_monitoring": u.data_as_of.monitoring,
        "data_as_of_enforcement": u.data_as_of.enforcement,
        "url": absolute(base_url, unit_path(u.code)),
    }


def outlet_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """A row per pollutant of each outlet (one row for an outlet without pollutants)."""
    for o in sorted(u.outlets, key=lambda o: o.code):
        for pol in o.pollutants or (None,):
            yield {
                "fixed_source_code": u.code,
                "unit_name": u.name,
                "outlet_code": o.code,
                "outlet_name": o.name,
                "kind": o.kind,
                "kind_label": o.kind_label,
                "type": o.type,
                "type_label": o.type_label,
                "location": o.location,
                "lat": o.coordinates.lat if o.coordinates else None,
                "lon": o.coordinates.lon if o.coordinates else None,
                "stack_height_m": o.stack_height_m,
                "diameter_m": o.diameter_m,
                "receiving_water": o.receiving_water,
                "pollutant": pol.name if pol else None,
                "unit": pol.unit if pol else None,
                "limit_min": pol.limit_min if pol else None,
                "limit_max": pol.limit_max if pol else None,
                "standard": pol.standard if pol else None,
                "method": pol.method.value if pol else None,
                "networked": pol.networked if pol else None,
                "frequency": pol.frequency if pol else None,
                "data_as_of": u.data_as_of.permit,
                "url": absolute(base_url, outlet_path(u.code, o.code)),
            }


def permit_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """The unit's permit, if it has one."""
    p = u.permit
    if p is not None:
        yield {
            "fixed_source_code": u.code,
            "unit_name": u.name,
            "permit_number": p.number,
            "authority": p.authority,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "status": p.status.value,
            "status_date": p.status_date,
            "state": p.state(site.judged_on).value,
            "state_label": p.state(site.judged_on).label,
            "permitted": "；".join(f"{a.pollutant} {cell(a.amount)} {a.unit}" for a in p.permitted),
            "city_code": u.city_code,
            "data_as_of": u.data_as_of.permit,
        }


def monitoring_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """A row per measurement, with its limit and whether it exceeds it."""
    limits: dict[tuple[str, str], Any] = {}
    for m in sorted(u.measurements, key=lambda m: (m.outlet, m.pollutant, m.date)):
        pair = (m.outlet, m.pollutant)
        if pair not in limits:
            outlet = u.outlet(m.outlet)
            limits[pair] = outlet.pollutant(m.pollutant) if outlet else None
        limit = limits[pair]
        yield {
            "fixed_source_code": u.code,
            "outlet_code": m.outlet,
            "pollutant": m.pollutant,
            "date": m.date,
            "value": m.value,
            "below_detection_limit": m.value is None,
            "detection_limit": m.detection_limit,
            "unit": m.unit,
            "method": m.method.value,
            "limit_min": limit.limit_min if limit else None,
            "limit_max": limit.limit_max if limit else None,
            "exceeds": judge(limit, m).exceeds,
            "data_as_of": u.data_as_of.monitoring,
        }


def penalty_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """A row per penalty decision."""
    for p in sorted(u.penalties, key=lambda p: (p.date, p.decision_number)):
        yield {
            "fixed_source_code": u.code,
            "unit_name": u.name,
            "city_code": u.city_code,
            "city_name": site.division_name(u.city_code),
            "decision_number": p.decision_number,
            "date": p.date,
            "authority": p.authority,
            "violation": p.violation,
            "legal_basis": p.legal_basis,
            "amount": p.amount,
            "execution": p.execution.value,
            "execution_label": p.execution.label,
            "document_url": p.document_url,
            "data_as_of": u.data_as_of.enforcement,
        }


def rectification_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """A row per rectification order."""
    for r in sorted(u.rectifications, key=lambda r: (r.issued, r.ref)):
        yield {
            "fixed_source_code": u.code,
            "unit_name": u.name,
            "ref": r.ref,
            "issued": r.issued,
            "authority": r.authority,
            "requirement": r.requirement,
            "due": r.due,
            "status": r.status.value,
            "status_label": r.status.label,
            "closed": r.closed,
            "overdue": r.overdue(site.judged_on),
            "data_as_of": u.data_as_of.enforcement,
        }


def ledger_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """A row per item of the unit in the public problem ledger (no personal data in it)."""
    for item in sorted(site.ledger_of(u.code), key=lambda i: (i.found_on, i.id)):
        yield {
            "fixed_source_code": u.code,
            "unit_name": u.name,
            "city_code": u.city_code,
            "city_name": site.division_name(u.city_code),
            "id": item.id,
            "outlet_code": item.outlet or None,
            "source": item.source,
            "source_label": item.source_label,
            "found_on": item.found_on,
            "title": item.title,
            "action": item.action or None,
            "due_on": item.due_on,
            "state": item.state,
            "state_label": item.state_label,
            "closed_on": item.closed_on,
            "overdue": item.overdue(site.judged_on),
            "body": item.body,
            "data_as_of": site.ledger_as_of,
        }
