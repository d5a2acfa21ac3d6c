"""Demo accounts so a newcomer can file a report and handle it within minutes."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from feedback.auth import create_account, find_account
from feedback.directory import Directory
from feedback.extensions import db
from feedback.models import Account

DEMO_PASSWORD = "demo-password"


def _pick_unit(directory: Directory) -> tuple[str, str, str] | None:
    """A sample unit whose county has its own body: (unit code, county body, city body)."""
    for code in sorted(directory.units):
        unit = directory.units[code]
        county = directory.body_for_area(unit.county_code)
        city = directory.body_for_area(unit.city_code)
        if county is not None and city is not None:
            return code, county.id, city.id
    if directory.units:
        code = sorted(directory.units)[0]
        body = directory.route(directory.units[code].county_code)
        return code, body.id, body.parent or body.id
    return None


def _wanted(directory: Directory) -> list[tuple[str, str, dict]]:
    picked = _pick_unit(directory)
    if picked is None:
        return []
    code, county, city = picked
    return [
        ("officer", "demo-officer", {"body_id": county, "name": "县局执法员（演示）"}),
        ("supervisor", "demo-supervisor", {"body_id": county, "name": "县局科长（演示）"}),
        ("admin", "demo-admin", {"body_id": county, "name": "县局管理员（演示）"}),
        ("officer", "demo-city-officer", {"body_id": city, "name": "市局执法员（演示）"}),
        ("supervisor", "demo-city-supervisor", {"body_id": city, "name": "市局科长（演示）"}),
        *[
            ("admin", "demo-province-admin", {"body_id": body.id, "name": "省厅管理员（演示）"})
            for body in directory.bodies.values()
            if body.parent is None
        ][:1],
    ]


def _enterprise_unit(directory: Directory, preferred: str) -> str | None:
    """The demo enterprise's unit: the sample unit unless another account already holds it."""
    existing = find_account("demo-enterprise")
    if existing is not None:
        return existing.unit_code
    taken = set(db.session.scalars(select(Account.unit_code).where(Account.unit_code.is_not(None))))
    for code in [preferred, *sorted(directory.units)]:
        if code not in taken:
            return code
    return None


def ensure_demo(app: Flask) -> list[tuple[str, str, str]]:
    """Migrate, create the demo accounts if missing; return (role, login, password) for each."""
    from feedback.migrate import upgrade

    upgrade(app)  # idempotent: a fresh checkout gets its tables first
    directory: Directory = app.extensions["yimatong_directory"]
    shown = []
    with app.app_context():
        for role, login, extra in _wanted(directory):
            if find_account(login) is None:
                create_account(login, DEMO_PASSWORD, role, **extra)
            shown.append((role, login, DEMO_PASSWORD))
        picked = _pick_unit(directory)
        unit = _enterprise_unit(directory, picked[0]) if picked else None
        if unit is not None:
            if find_account("demo-enterprise") is None:
                create_account(
                    "demo-enterprise",
                    DEMO_PASSWORD,
                    "enterprise",
                    unit_code=unit,
                    name=directory.units[unit].name,
                )
            shown.append(("enterprise", "demo-enterprise", DEMO_PASSWORD))
        db.session.commit()
    return shown
