"""The open data tables of automatic monitoring: the daily values the unit pages show and the
环保脸谱 ratings, one row per series and day, one row per rated unit (docs/open-data.md).

Their rows come from the build's PublicMonitoring (generator/pages/automatic.py), bound into
the tables made for one build (``monitoring_tables``), never from a module global."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from generator.content.model import Site, Unit
from generator.opendata.rows import Row
from generator.opendata.tables import Table, _columns
from generator.pages.automatic import PublicMonitoring
from generator.urls import absolute, unit_path

_CODE = "fixed_source_code|排污单位编码|string|固定污染源编码（HJ 608，22位），单位的唯一标识"
_SERIES = """outlet_code|排放口编号|string|排放口编码
code|污染物代码|string|HJ 212-2017 污染物代码，如 w01018（化学需氧量）、a21026（二氧化硫）
pollutant|污染物|string|污染物名称
unit|计量单位|string|日均值与限值的计量单位"""
_AS_OF = "data_as_of|数据截至|string|该单位自动监控数据的最新小时（北京时间，YYYY-MM-DD HH:00）"

DAILY_COLUMNS = _columns(f"""{_CODE}
{_SERIES}
date|日期|date|自然日（北京时间）
mean|日均值|number|当日有效小时（数据标记 N）的平均值；有效小时少于 20 个时为空（有效小时不足）。废气二氧化硫、氮氧化物、颗粒物为折算浓度（ZsAvg，未报送时为实测）
valid_hours|有效小时数|integer|当日标记为 N（正常）的小时数
limit_min|排放限值下限|number|标准规定的下限，无则为空
limit_max|排放限值上限|number|标准规定的上限，无则为空
averaging|限值平均时段|string|hour 小时均值（当日任一有效小时超出即为超标日）、day 日均值（日均值超出即为超标日）
exceeds|是否超标日|boolean|按限值平均时段判定为超标日为 true
{_AS_OF}""")

RATING_COLUMNS = _columns(f"""{_CODE}
unit_name|单位名称|string|排污单位名称
city_code|地市代码|string|所在地级市的 GB/T 2260 代码
grade|等级代码|string|评级方法表中的等级代码（green、blue、yellow、red）
grade_name|等级|string|等级名称，如 绿脸（好）
score|总分|number|四项指标得分之和（满分 100）
installation|安装比例|number|应装自动监控的排放口中已登记数采仪的比例（0–1）
networking|联网比例|number|本年应上传的小时中收到数据的比例（0–1）
operation|运行比例|number|收到的小时中无维护、校准、故障等标记的比例（0–1）
validity|有效传输率|number|有效小时占应有小时（除去停运小时）的比例（0–1）
exceed_days|本年超标天次|integer|本年各项监测超标天数之和
{_AS_OF}
url|页面地址|string|该单位公开页面的完整地址""")


def _stamp(shown) -> str:
    return shown.as_of.strftime("%Y-%m-%d %H:00") if shown.as_of else ""


def daily_rows(public: PublicMonitoring, site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """One row per series and day of the unit's last 90 days."""
    shown = public.units.get(u.code)
    if shown is None:
        return
    for s in shown.series:
        for day, mean, valid, exceeded in zip(s.days, s.means, s.valid_hours, s.exceeded,
                                              strict=True):  # fmt: skip
            yield {
                "fixed_source_code": u.code, "outlet_code": s.outlet, "code": s.code,
                "pollutant": s.pollutant, "unit": s.unit, "date": day,
                "mean": None if mean is None else round(mean, 4), "valid_hours": valid,
                "limit_min": s.limit_min, "limit_max": s.limit_max, "averaging": s.period,
                "exceeds": exceeded, "data_as_of": _stamp(shown),
            }  # fmt: skip


def rating_rows(public: PublicMonitoring, site: Site, u: Unit, base_url: str) -> Iterator[Row]:
    """One row for a rated unit: grade, score and each criterion's measured share."""
    shown = public.units.get(u.code)
    if shown is None or shown.rating is None:
        return
    r = shown.rating
    shares = {c.key: round(c.value, 4) for c in r.criteria}
    yield {
        "fixed_source_code": u.code, "unit_name": u.name, "city_code": u.city_code,
        "grade": r.grade, "grade_name": r.grade_name, "score": r.score,
        **{k: shares.get(k) for k in ("installation", "networking", "operation", "validity")},
        "exceed_days": sum(s.year_exceed_days for s in shown.series),
        "data_as_of": _stamp(shown), "url": absolute(base_url, unit_path(u.code)),
    }  # fmt: skip


def monitoring_tables(public: PublicMonitoring) -> tuple[Table, ...]:
    """The two tables, their rows taken from ``public``; none without monitoring data (no
    empty downloads in the data package)."""
    if not public.units:
        return ()
    return (
        Table("auto_daily", "自动监控日均值",
              "每个自动监控的排放口、每种污染物、近 90 日的每一天一行：有效小时的日均值、"
              "有效小时数与是否超标日（只计标记为 N 的小时）。", "monitoring",
              DAILY_COLUMNS, partial(daily_rows, public)),
        Table("auto_ratings", "环保脸谱评级",
              "每个应安装自动监控的排污单位一行：等级、总分与安装、联网、运行、数据有效四项"
              "测得的比例；评级方法见 /monitoring/rating/。", "monitoring",
              RATING_COLUMNS, partial(rating_rows, public)),
    )  # fmt: skip
