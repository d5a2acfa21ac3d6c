"""Fixtures for publishing and open data: a small Site built from the model, and settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.content import model as m
from generator.content.codes import make_uscc
from generator.content.divisions import load_divisions
from generator.content.ledger import LedgerItem
from tests.generator.site_helpers import judged_on_its_as_of, on_fixture_day

D = dt.date
AS_OF = D(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
BASE = "https://yimatong.example.cn"
ORIGIN = "https://feedback.example.cn"


def _divisions() -> dict[str, m.Division]:
    return load_divisions("450000")


def make_unit(seq: str, county: str = "450126", **kw) -> m.Unit:
    """A unit with a valid USCC in ``county``; keyword arguments override fields."""
    uscc = make_uscc(f"91{county}MA5L3K2R{seq}")
    fields = dict(
        fixed_source_code=f"{uscc}001P",
        name=f"广西测试{seq}有限公司",
        uscc=uscc,
        category=m.Category.KEY,
        industry=m.Industry("1340", "制糖业"),
        county_code=county,
        address="广西某地",
        legal_representative="张三",
        data_as_of=m.DataAsOf(D(2026, 11, 1), D(2026, 11, 20), D(2026, 11, 15)),
        permit=m.Permit(
            f"{uscc}001P",
            "南宁市生态环境局",
            D(2023, 12, 20),
            D(2028, 12, 19),
            permitted=(m.PermittedAmount("化学需氧量", 86.4),),
        ),
    )
    fields.update(kw)
    return m.Unit(**fields)


def sample_site() -> m.Site:
    """Four units: penalties, outlets with monitoring, an expired and a revoked permit."""
    cod = m.OutletPollutant(
        "化学需氧量",
        "mg/L",
        limit_max=100,
        standard="GB 8978-1996 一级",
        method=m.Method.AUTOMATIC,
        networked=True,
        frequency="自动连续",
    )
    ph = m.OutletPollutant("pH值", "无量纲", limit_min=6, limit_max=9)
    busy = make_unit(
        "1",
        short_names=("宏达糖厂",),
        coordinates=m.Coordinates(22.8823, 108.9512),
        outlets=(
            m.Outlet(
                "DW001", "废水总排放口", "main", receiving_water="清水河", pollutants=(cod, ph)
            ),
            m.Outlet("DA001", "锅炉烟气排放口", stack_height_m=60.0),
        ),
        measurements=(
            m.Measurement("DW001", "化学需氧量", D(2026, 1, 31), 48.3, "mg/L"),
            m.Measurement("DW001", "化学需氧量", D(2026, 2, 28), 112.4, "mg/L"),
        ),
        penalties=(
            m.Penalty(
                "南环罚〔2026〕12号",
                D(2026, 4, 2),
                "南宁市生态环境局",
                "超标排放水污染物",
                "《水污染防治法》第八十三条",
                200000.0,
                m.Execution.DONE,
                "https://example.gov.cn/12.pdf",
            ),
        ),
        rectifications=(
            m.Rectification(
                "ZG-2026-0031",
                D(2026, 3, 12),
                "宾阳生态环境局",
                "检修在线监测设备",
                D(2026, 4, 30),
                m.RectificationStatus.CLOSED,
                D(2026, 4, 25),
            ),
            m.Rectification(
                "ZG-2026-0040", D(2026, 6, 1), "宾阳生态环境局", "完善台账", D(2026, 7, 1)
            ),
        ),
    )
    expired = make_unit(
        "2",
        county="450202",
        permit=m.Permit("X2", "柳州市生态环境局", D(2021, 9, 1), D(2026, 9, 30)),
        penalties=(
            m.Penalty(
                "柳环罚〔2026〕3号",
                D(2026, 10, 9),
                "柳州市生态环境局",
                "未按规定监测",
                "《大气污染防治法》第一百条",
                52000.5,
            ),
        ),
    )
    revoked = make_unit(
        "3",
        county="450202",
        permit=m.Permit(
            "X3",
            "柳州市生态环境局",
            D(2022, 1, 1),
            D(2027, 1, 1),
            m.PermitStatus.REVOKED,
            D(2026, 8, 8),
        ),
    )
    registered = make_unit(
        "4",
        county="450103",
        category=m.Category.REGISTRATION,
        permit=None,
        data_as_of=m.DataAsOf(AS_OF),
    )
    return m.Site(
        units=(registered, revoked, busy, expired),
        # One ledger item (the service's export), so the ledger table has a row to check.
        ledger=(
            LedgerItem(
                "L2026-000001",
                busy.fixed_source_code,
                "DW001",
                "inspection",
                dt.date(2026, 10, 12),
                "废水排放口标志牌缺失",
                "设置标志牌",
                dt.date(2026, 11, 12),
                "open",
                None,
                "nn-binyang",
            ),
        ),  # fmt: skip
        ledger_as_of=dt.date(2026, 11, 19),
        divisions=_divisions(),
        title="生态环境一码通",
        issuer="广西壮族自治区生态环境厅",
    )


@pytest.fixture
def site() -> m.Site:
    """The sample Site, judged on its own as-of date."""
    return judged_on_its_as_of(sample_site())


@pytest.fixture
def settings(tmp_path: Path) -> dict:
    """Resolved settings for a build into tmp_path."""
    from generator.settings import resolve

    return resolve(
        {
            "base_url": "https://yimatong.example.cn",
            "out_dir": str(tmp_path / "site"),
            "cache_dir": str(tmp_path / "cache"),
        }
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The fixture content built as on Netlify: the build's steps write the open data, the
    feeds and ``_redirects``."""
    from generator.build.run import build

    tmp = tmp_path_factory.mktemp("netlify")
    overrides = {
        "cache_dir": str(tmp / "cache"),
        "search_index_dir": str(tmp / "search-index"),
        "feedback_url": BASE,
        "feedback_origin": ORIGIN,
    }
    out = tmp / "site"
    with on_fixture_day():
        build(FIXTURE, out, BASE, jobs=1, progress=False, overrides=overrides)
    return out
