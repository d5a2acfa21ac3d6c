"""Build Site and Unit records for sign tests straight from the model dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from generator.content.codes import make_uscc
from generator.content.model import (
    Category,
    DataAsOf,
    Industry,
    Outlet,
    OutletPollutant,
    Permit,
    Site,
    Unit,
)

ISSUER = "广西壮族自治区生态环境厅监制"
LONG_NAME = "广西壮族自治区南宁市宾阳县黎塘镇工业集中区宏达糖业与热电联产循环经济产业园有限责任公司第二分公司"


def make_outlets() -> tuple[Outlet, ...]:
    """A wastewater and a waste-gas outlet with typical pollutants."""
    water = Outlet(
        "DW001",
        "废水总排放口",
        "main",
        pollutants=(
            OutletPollutant("化学需氧量", "mg/L", 100),
            OutletPollutant("氨氮", "mg/L", 15),
            OutletPollutant("pH值", "无量纲", 9, 6),
        ),
    )
    gas = Outlet(
        "DA001",
        "锅炉烟气排放口",
        "main",
        pollutants=(
            OutletPollutant("二氧化硫", "mg/m³", 200),
            OutletPollutant("氮氧化物", "mg/m³", 200),
            OutletPollutant("颗粒物", "mg/m³", 30),
        ),
    )
    return water, gas


def make_unit(county: str = "450126", seq: str = "001", **kw) -> Unit:
    """A key-managed unit with a valid permit and two outlets; override any field."""
    uscc = make_uscc(f"91{county}MA5L3K{seq}")
    code = f"{uscc}001P"
    unit = Unit(
        fixed_source_code=code,
        name="广西宾阳宏达糖业有限公司",
        uscc=uscc,
        category=Category.KEY,
        industry=Industry("1340", "制糖业"),
        county_code=county,
        address="宾阳县黎塘镇",
        legal_representative="黄志强",
        data_as_of=DataAsOf(dt.date(2026, 11, 1)),
        permit=Permit(code, "南宁市生态环境局", dt.date(2023, 12, 20), dt.date(2028, 12, 19)),
        outlets=make_outlets(),
    )
    return replace(unit, **kw)


def make_registration_unit(county: str = "450324") -> Unit:
    """A registration-only unit (排污登记): no permit, no outlets, letter W."""
    unit = make_unit(county, "009", category=Category.REGISTRATION, permit=None, outlets=())
    return replace(unit, fixed_source_code=unit.uscc + "001W", name="桂林市某某汽车维修有限公司")


def make_site(*units: Unit) -> Site:
    """A site holding ``units`` (default: one key unit, one registration unit)."""
    units = units or (make_unit(), make_registration_unit())
    return Site(units=tuple(units), title="广西生态环境一码通", issuer=ISSUER)
