"""Deterministic synthetic unit records in the content schema (plain dicts, dates as date objects)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from dataclasses import dataclass
from typing import Any

from generator.content.codes import USCC_ALPHABET, make_uscc
from generator.content.model import Division
from generator.sample.province import Province
from generator.sample.tables import (
    BRANDS,
    GIVEN,
    INSPECTION_KINDS,
    PROFILE_WEIGHTS,
    PROFILES,
    REQUIREMENTS,
    RIVERS,
    ROADS,
    SUFFIXES,
    SURNAMES,
    TOWNS,
    VIOLATIONS,
    Item,
    OutletPlan,
    Profile,
)

CATEGORIES = ("key", "simplified", "registration")
STATES = ("valid", "expiring", "expired", "revoked", "cancelled")
STATE_WEIGHTS = (80, 7, 6, 4, 3)
_AUTONOMOUS = re.compile(r"^(.+?)(各族|苗族|侗族|瑶族|仫佬族|毛南族)?自治县$")


def short_name(name: str) -> str:
    """宾阳县 -> 宾阳, 融水苗族自治县 -> 融水, 藤县 stays 藤县."""
    match = _AUTONOMOUS.match(name)
    if match:
        return match.group(1)
    return name if len(name) <= 2 else name[:-1]


def city_bureau(city: Division) -> str:
    """Name of a city's bureau, e.g. 南宁市生态环境局."""
    return f"{city.name}生态环境局"


def county_bureau(city: Division, county: Division) -> str:
    """Name of a county branch, e.g. 南宁市宾阳生态环境局."""
    return f"{city.name}{short_name(county.name)}生态环境局"


@dataclass(frozen=True, slots=True)
class Spec:
    """What one generated unit should show."""

    profile: Profile
    county: str
    category: str
    state: str = "valid"
    penalty: bool = False
    rectification: str = ""  # "", "open", "closed" or "both"
    troubled: bool = False
    name: str = ""


class Maker:
    """Makes unit records from specs; one instance per run so codes and numbers stay unique."""

    def __init__(self, seed: int, as_of: dt.date, divisions: dict[str, Division]) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.divisions = divisions
        self.province = Province(divisions)
        self.counties = sorted(c for c, d in divisions.items() if d.level == "county")
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}

    def random_spec(self) -> Spec:
        """A spec drawn from the industry, category and permit-state mixes."""
        rng = self.rng
        profile = rng.choices(PROFILES, PROFILE_WEIGHTS)[0]
        category = rng.choices(CATEGORIES, profile.weights)[0]
        state = (
            "registered" if category == "registration" else rng.choices(STATES, STATE_WEIGHTS)[0]
        )
        regulated = category != "registration"
        return Spec(
            profile=profile,
            county=rng.choice(self.counties),
            category=category,
            state=state,
            penalty=regulated and rng.random() < 0.04,
            rectification=rng.choice(("open", "closed", "both"))
            if regulated and rng.random() < 0.06
            else "",
            troubled=rng.random() < 0.08,
        )

    def _next(self, key: str) -> int:
        """Next serial number for ``key``; a series starts part-way, as real registers do."""
        self.counters[key] = self.counters.get(key) or self.rng.randint(2, 40)
        self.counters[key] += 1
        return self.counters[key]

    def _uscc(self, county: str, individual: bool) -> str:
        while True:
            body = "".join(self.rng.choice(USCC_ALPHABET) for _ in range(6))
            code = make_uscc(("92" if individual else "91") + county + "MA5" + body)
            if code not in self.used:
                self.used.add(code)
                return code

    def _date_before(self, end: dt.date, lo: int, hi: int) -> dt.date:
        return end - dt.timedelta(days=self.rng.randint(lo, hi))

    def record(self, spec: Spec) -> dict:
        """One unit record in the content schema."""
        rng, county = self.rng, self.divisions[spec.county]
        city = self.divisions[county.parent or county.code]
        registration = spec.category == "registration"
        individual = registration and spec.profile.code in ("0313", "8111")
        uscc = self._uscc(spec.county, individual)
        code = uscc + "001" + ("W" if registration else "P")
        town = rng.choice(TOWNS)
        point = self.province.point(city)
        coords = (
            {
                "lat": round(point[0] + rng.uniform(-0.35, 0.35), 4),
                "lon": round(point[1] + rng.uniform(-0.35, 0.35), 4),
            }
            if point
            else {}
        )
        permit_day = self._date_before(self.as_of, 0, 20)
        record: dict[str, Any] = {
            "fixed_source_code": code,
            "name": spec.name or self._name(spec, city, county, town, individual),
            "uscc": uscc,
            "category": spec.category,
            "industry": {"code": spec.profile.code, "name": spec.profile.name},
            "county": spec.county,
            "address": self._address(spec, city, county, town),
            "coordinates": coords,
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "data_as_of": {"permit": permit_day},
        }
        if not coords:
            del record["coordinates"]
        if registration:
            return record
        permit = self._permit(spec, code, city)
        stop = permit.get("status_date") or self._date_before(self.as_of, 0, 4)
        record["data_as_of"]["monitoring"] = stop
        record["permit"] = permit
        record["outlets"] = [self._outlet(code, plan, coords, rng) for plan in spec.profile.outlets]
        record["monitoring"] = self._monitoring(spec, stop)
        self._enforcement(spec, record, city, county)
        return record

    def _name(
        self, spec: Spec, city: Division, county: Division, town: str, individual: bool
    ) -> str:
        rng, word, brand = self.rng, spec.profile.word, self.rng.choice(BRANDS)
        if individual:
            trade = "养猪场" if spec.profile.code == "0313" else "汽车修理厂"
            place = city.name + county.name if county.name.endswith("区") else county.name
            return f"{place}{town}镇{brand}{trade}"
        if spec.profile.code == "4620":
            return f"{short_name(city.name)}{brand}水务有限公司{short_name(county.name)}污水处理厂"
        if spec.profile.code == "0313":
            return f"{self.province.short}{brand}牧业有限公司{short_name(county.name)}{town}猪场"
        place = rng.choice((self.province.short, short_name(county.name), short_name(city.name)))
        return f"{place}{brand}{word}{rng.choice(SUFFIXES)}"

    def _address(self, spec: Spec, city: Division, county: Division, town: str) -> str:
        rng, head = self.rng, self.province.place(city, county)
        if spec.profile.code == "0313":
            return f"{head}{town}镇{rng.choice(TOWNS)}村"
        if rng.random() < 0.5:
            return f"{head}{short_name(county.name)}工业园区{rng.choice(ROADS)}路{rng.randint(1, 88)}号"
        return f"{head}{town}镇{rng.choice(ROADS)}路{rng.randint(1, 188)}号"

    def _permit(self, spec: Spec, code: str, city: Division) -> dict:
        rng, today = self.rng, self.as_of
        offsets = {"valid": (61, 1700), "expiring": (3, 58), "expired": (-240, -1)}
        lo, hi = offsets.get(spec.state, (90, 1500))
        valid_to = today + dt.timedelta(days=rng.randint(lo, hi))
        permit = {
            "number": code,
            "authority": city_bureau(city),
            "valid_from": valid_to - dt.timedelta(days=1825),
            "valid_to": valid_to,
            "status": spec.state if spec.state in ("revoked", "cancelled") else "valid",
        }
        if permit["status"] != "valid":
            permit["status_date"] = self._date_before(today, 30, 300)
        if spec.profile.permitted:
            scale = 1.0 if spec.category == "key" else 0.3
            permit["permitted"] = [
                {
                    "pollutant": p,
                    "amount": round(a * scale * rng.uniform(0.6, 1.4), 1),
                    "unit": "t/a",
                }
                for p, a in spec.profile.permitted
            ]
        return permit

    def _outlet(self, code: str, plan: OutletPlan, coords: dict, rng: random.Random) -> dict:
        outlet: dict[str, Any] = {
            "code": plan.code,
            "name": plan.name,
            "type": "main" if plan.main else "general",
            "location": plan.location,
            "coordinates": {k: round(v + rng.uniform(-0.002, 0.002), 4) for k, v in coords.items()},
        }
        if not coords:
            del outlet["coordinates"]
        if plan.code.startswith("DA"):
            outlet["stack_height_m"] = rng.choice((15, 20, 25, 30, 45, 60, 80, 120))
            outlet["diameter_m"] = rng.choice((0.5, 0.8, 1.2, 1.6, 2.0, 2.5, 3.2))
        else:
            outlet["receiving_water"] = rng.choice(self.province.rivers(RIVERS))
        outlet["pollutants"] = [_pollutant(item) for item in plan.items]
        if any(item.automatic for item in plan.items):
            outlet["mn"] = sample_mn(code, plan.code)
        return outlet

    def _monitoring(self, spec: Spec, stop: dt.date) -> list[dict]:
        series = []
        for plan in spec.profile.outlets:
            for item in plan.items:
                dates = _series_dates(self.as_of, stop, item.automatic)
                values = {d: self._value(item, spec.troubled) for d in dates}
                if values:
                    method = "automatic" if item.automatic else "manual"
                    series.append(
                        {
                            "outlet": plan.code,
                            "pollutant": item.name,
                            "unit": item.unit,
                            "method": method,
                            "values": values,
                        }
                    )
        return series

    def _value(self, item: Item, troubled: bool) -> float:
        rng = self.rng
        exceed = rng.random() < (0.12 if troubled else 0.004)
        if item.limit_min is not None:  # pH: a range
            value = rng.uniform(9.2, 10.1) if exceed else rng.uniform(6.6, 8.4)
        else:
            value = (item.limit_max or 0.0) * (
                rng.uniform(1.05, 1.8) if exceed else rng.uniform(0.2, 0.75)
            )
        return round(value, 1 if value >= 10 else 2 if value >= 0.1 else 3)

    def _enforcement(self, spec: Spec, record: dict, city: Division, county: Division) -> None:
        rng = self.rng
        enforced = self._date_before(self.as_of, 0, 10)
        local = county_bureau(city, county)
        inspections, penalties, orders = [], [], []
        if spec.penalty:
            penalties.append(
                self._penalty(city, enforced, {p.code[1] for p in spec.profile.outlets})
            )
        kinds = {"both": ("closed", "open")}.get(spec.rectification, (spec.rectification,))
        for kind in filter(None, kinds):
            finding, requirement = rng.choice(REQUIREMENTS)
            order = self._order(kind, local, enforced, city, requirement)
            orders.append(order)
            inspections.append(
                {
                    "date": order["issued"],
                    "authority": local,
                    "kind": rng.choice(INSPECTION_KINDS),
                    "problems_found": True,
                    "findings": finding,
                }
            )
        if not inspections and rng.random() < 0.2:
            inspections.append(
                {
                    "date": self._date_before(enforced, 0, 300),
                    "authority": local,
                    "kind": rng.choice(INSPECTION_KINDS),
                    "problems_found": False,
                    "findings": "未发现环境违法行为",
                }
            )
        if inspections or penalties:
            record["data_as_of"]["enforcement"] = enforced
        for key, items in (
            ("inspections", inspections),
            ("penalties", penalties),
            ("rectifications", orders),
        ):
            if items:
                record[key] = sorted(items, key=lambda x: x.get("date") or x.get("issued"))

    def _penalty(self, city: Division, enforced: dt.date, kinds: set[str]) -> dict:
        rng = self.rng
        day = self._date_before(enforced, 5, 600)
        prefix = self.province.city_letter(city)
        number = self._next(f"{city.code}-{day.year}")
        violation, basis, lo, hi, _ = rng.choice(
            [v for v in VIOLATIONS if not v[4] or v[4] in kinds]
        )
        return {
            "decision_number": f"{prefix}环罚〔{day.year}〕{number}号",
            "date": day,
            "authority": city_bureau(city),
            "violation": violation,
            "legal_basis": basis,
            "amount": rng.randint(lo // 1000, hi // 1000) * 1000,
            "execution": rng.choices(("done", "in_progress", "pending"), (6, 3, 1))[0],
            "document_url": f"https://sthjt.example.gov.cn/xxgk/cfjd/{day.year}/{self.province.city_id(city)}-{number}.pdf",
        }

    def _order(
        self, kind: str, local: str, enforced: dt.date, city: Division, requirement: str
    ) -> dict:
        rng = self.rng
        issued = (
            self._date_before(enforced, 200, 500)
            if kind == "closed"
            else self._date_before(enforced, 3, 90)
        )
        due = issued + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
        order = {
            "ref": f"ZG-{self.province.city_id(city).upper()}-{issued.year}-{self._next(f'zg{city.code}-{issued.year}'):04d}",
            "issued": issued,
            "authority": local,
            "requirement": requirement,
            "due": due,
            "status": kind,
        }
        if kind == "closed":
            order["closed"] = min(issued + dt.timedelta(days=rng.randint(10, 80)), enforced)
        return order


def sample_mn(unit_code: str, outlet_code: str) -> str:
    """A made-up, stable 24-character data-logger MN for a sample outlet."""
    digest = hashlib.sha1(f"{unit_code}/{outlet_code}".encode()).hexdigest().upper()
    return "4500" + digest[:20]


def _pollutant(item: Item) -> dict:
    entry: dict[str, Any] = {"name": item.name, "unit": item.unit}
    if item.limit_min is not None:
        entry["limit_min"] = item.limit_min
    if item.limit_max is not None:
        entry["limit_max"] = item.limit_max
    entry.update(
        standard=item.standard,
        method="automatic" if item.automatic else "manual",
        networked=item.automatic,
        frequency="自动连续" if item.automatic else "每季度",
    )
    return entry


def _series_dates(as_of: dt.date, stop: dt.date, automatic: bool) -> list[dt.date]:
    """Month ends (automatic, monthly means) or mid-quarter days (manual) of the year before."""
    dates = []
    for back in range(12, -1, -1):
        year, month = divmod(as_of.year * 12 + as_of.month - 1 - back, 12)
        month += 1
        if automatic:
            day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        elif month % 3 == 2:
            day = dt.date(year, month, 15)
        else:
            continue
        if day <= stop and (as_of - day).days <= 366:
            dates.append(day)
    return dates
