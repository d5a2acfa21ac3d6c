"""Open data: whole-dataset CSV and JSON Lines downloads, a data package and a data dictionary.

Files are written row by row (a province of 55,900 units never sits in memory as a whole
file), in code order, so the same content always gives the same bytes. See docs/open-data.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.build.context import BuildContext, step_bar
from generator.build.steps import step_code_key
from generator.content.model import Site, Unit
from generator.content.results import judge
from generator.content.serialize import plain
from generator.opendata.chunks import ChunkStore, TableFiles, TablesMemo, runs
from generator.opendata.datapackage import LICENSE, data_package
from generator.urls import absolute, outlet_path, unit_path

#: Folder of the downloads inside the built site.
DATA_DIR = "data"
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a download: its name, Chinese label, type and description."""

    name: str
    label: str
    type: str  # string | integer | number | date | boolean
    help: str


@dataclass(frozen=True, slots=True)
class Table:
    """A whole-dataset download: one row per record of one kind, across all units."""

    name: str
    title: str
    description: str
    as_of_source: str  # which DataAsOf date its rows carry: permit | monitoring | enforcement
    columns: tuple[Column, ...]
    rows: Callable[[Site, Unit, str], Iterator[Row]]  # (site, unit, base_url): that unit's rows

    @property
    def names(self) -> tuple[str, ...]:
        """Column names, in order."""
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True, slots=True)
class Download:
    """A file written for a table, as listed on the downloads page."""

    table: str
    format: str  # csv | jsonl
    path: str  # site-relative, e.g. /data/units.csv
    rows: int
    bytes: int
    sha256: str


def _units(site: Site) -> list[Unit]:
    return sorted(site.units, key=lambda u: u.fixed_source_code)


def _unit_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
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
        "permit_state": u.permit_state(site.as_of).value,
        "permit_state_label": u.permit_state(site.as_of).label,
        "outlet_count": len(u.outlets),
        "penalty_count": len(u.penalties),
        "open_rectification_count": sum(r.status.value == "open" for r in u.rectifications),
        "data_as_of_permit": u.data_as_of.permit,
        "data_as_of_monitoring": u.data_as_of.monitoring,
        "data_as_of_enforcement": u.data_as_of.enforcement,
        "url": absolute(base_url, unit_path(u.code)),
    }


def _outlet_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
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


def _permit_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
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
            "state": p.state(site.as_of).value,
            "state_label": p.state(site.as_of).label,
            "permitted": "；".join(f"{a.pollutant} {cell(a.amount)} {a.unit}" for a in p.permitted),
            "city_code": u.city_code,
            "data_as_of": u.data_as_of.permit,
        }


def _monitoring_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
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


def _penalty_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
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


def _rectification_rows(site: Site, u: Unit, base_url: str) -> Iterator[Row]:
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
            "overdue": r.overdue(site.as_of),
            "data_as_of": u.data_as_of.enforcement,
        }


def _columns(spec: str) -> tuple[Column, ...]:
    """Columns from lines of 'name|中文名|type|description'."""
    return tuple(Column(*line.split("|", 3)) for line in spec.strip().splitlines())


_CODE = "fixed_source_code|排污单位编码|string|固定污染源编码（HJ 608，22位），单位的唯一标识"
_NAME = "unit_name|单位名称|string|排污单位名称"
_LATLON = """lat|纬度|number|WGS-84 纬度（度），可为空
lon|经度|number|WGS-84 经度（度），可为空"""
_CITY = """city_code|地市代码|string|所在地级市的 GB/T 2260 代码
city_name|地市|string|所在地级市名称"""
_LIMITS = """limit_min|排放限值下限|number|标准规定的下限（如 pH 的 6），无则为空
limit_max|排放限值上限|number|标准规定的上限，无则为空"""


def _as_of(source: str) -> str:
    return f"data_as_of|数据截至|date|本行所依据的该单位{source}数据的截至日期"


TABLES: tuple[Table, ...] = (
    Table(
        "units",
        "排污单位",
        "每个排污单位一行：基本信息、许可证状态与各类数据的截至日期。",
        "permit",
        _columns(f"""{_CODE}
name|单位名称|string|排污单位名称
uscc|统一社会信用代码|string|18位统一社会信用代码（GB 32100）
category|管理类别代码|string|key 重点管理、simplified 简化管理、registration 登记管理
category_label|管理类别|string|管理类别中文名
industry_code|行业代码|string|国民经济行业分类（GB/T 4754）代码
industry_name|行业|string|行业名称
county_code|区县代码|string|所在区县的 GB/T 2260 代码
county_name|区县|string|所在区县名称
{_CITY}
address|地址|string|生产经营场所地址
{_LATLON}
legal_representative|法定代表人|string|法定代表人
short_names|简称|string|厂门上的常用简称，多个以“；”分隔
former_names|曾用名|string|曾用名，多个以“；”分隔
permit_number|许可证编号|string|排污许可证编号；登记管理单位为空
permit_valid_to|许可证有效期至|date|许可证有效期截止日；登记管理单位为空
permit_state|许可证状态代码|string|valid、expiring、expired、revoked、cancelled、registered，以数据截至日判断
permit_state_label|许可证状态|string|有效、即将到期、已过期、已撤销、已注销、排污登记
outlet_count|排放口数|integer|排放口个数
penalty_count|行政处罚数|integer|已公开的行政处罚决定数
open_rectification_count|未销号整改数|integer|尚未销号的整改要求数
data_as_of_permit|许可数据截至|date|许可证与排放口数据的截至日期
data_as_of_monitoring|监测数据截至|date|监测数据的截至日期，可为空
data_as_of_enforcement|执法数据截至|date|检查、处罚、整改数据的截至日期，可为空
url|页面地址|string|该单位公开页面（二维码所指）的完整地址"""),
        _unit_rows,
    ),
    Table(
        "outlets",
        "排放口与许可限值",
        "每个排放口的每种污染物一行（无污染物的排放口一行）。",
        "permit",
        _columns(f"""{_CODE}
{_NAME}
outlet_code|排放口编号|string|HJ 608 排放口编码，如 DA001（废气）、DW001（废水）
outlet_name|排放口名称|string|排放口名称
kind|排放口类别代码|string|gas 废气、water 废水
kind_label|排放口类别|string|废气或废水
type|排放口类型代码|string|main 主要排放口、general 一般排放口
type_label|排放口类型|string|主要排放口或一般排放口
location|位置|string|排放口位置描述
{_LATLON}
stack_height_m|排气筒高度（米）|number|废气排放口排气筒高度，可为空
diameter_m|出口内径（米）|number|排气筒出口内径，可为空
receiving_water|受纳水体|string|废水排放口的受纳水体
pollutant|污染物|string|污染物名称
unit|计量单位|string|限值的计量单位，如 mg/L、mg/m³
{_LIMITS}
standard|执行标准|string|执行的排放标准名称
method|监测方式代码|string|automatic 自动监测、manual 手工监测
networked|是否联网|boolean|自动监测设备是否与生态环境部门联网（true/false）
frequency|监测频次|string|自行监测频次
{_as_of("许可")}
url|页面地址|string|该排放口页面（排放口二维码所指）的完整地址"""),
        _outlet_rows,
    ),
    Table(
        "permits",
        "排污许可证",
        "每张排污许可证一行（登记管理单位无许可证）。",
        "permit",
        _columns(f"""{_CODE}
{_NAME}
permit_number|许可证编号|string|排污许可证编号
authority|发证机关|string|核发许可证的生态环境部门
valid_from|有效期自|date|有效期起始日
valid_to|有效期至|date|有效期截止日
status|登记状态代码|string|发证机关记录的状态：valid 有效、revoked 撤销、cancelled 注销
status_date|状态变更日期|date|撤销或注销的日期，可为空
state|许可证状态代码|string|结合日期判断的状态：valid、expiring（60日内到期）、expired、revoked、cancelled
state_label|许可证状态|string|状态中文名
permitted|许可排放量|string|年许可排放量，形如“化学需氧量 86.4 t/a”，多个以“；”分隔
city_code|地市代码|string|所在地级市的 GB/T 2260 代码
{_as_of("许可")}"""),
        _permit_rows,
    ),
    Table(
        "monitoring",
        "监测数据",
        "每个监测结果一行，附该污染物的排放限值与是否超标。",
        "monitoring",
        _columns(f"""{_CODE}
outlet_code|排放口编号|string|排放口编码
pollutant|污染物|string|污染物名称
date|监测日期|date|监测（或统计）日期
value|监测值|number|监测结果；低于检出限（未检出）时为空，见 below_detection_limit
below_detection_limit|是否未检出|boolean|结果低于检出限（ND、未检出、“0.5L”）为 true，此时 value 为空
detection_limit|检出限|number|未检出结果的检出限（真实值在 0 与检出限之间）；检出的结果为空
unit|计量单位|string|监测值（及检出限）的计量单位
method|监测方式代码|string|automatic 自动监测、manual 手工监测
{_LIMITS}
exceeds|是否超标|boolean|超出限值为 true，未超出为 false；无限值，或无法判定（未检出且检出限高于上限，或该项有下限）时为空。未检出从不算超标
{_as_of("监测")}"""),
        _monitoring_rows,
    ),
    Table(
        "penalties",
        "行政处罚",
        "每个行政处罚决定一行。",
        "enforcement",
        _columns(f"""{_CODE}
{_NAME}
{_CITY}
decision_number|处罚决定书文号|string|行政处罚决定书文号
date|处罚日期|date|作出处罚决定的日期
authority|处罚机关|string|作出处罚决定的机关
violation|违法行为|string|违法事实概述
legal_basis|处罚依据|string|处罚所依据的法律条款
amount|罚款金额（元）|number|罚款金额，单位元
execution|执行情况代码|string|done 已执行完毕、in_progress 执行中、pending 未执行
execution_label|执行情况|string|执行情况中文名
document_url|决定书链接|string|处罚决定书原文地址，可为空
{_as_of("执法")}"""),
        _penalty_rows,
    ),
    Table(
        "rectifications",
        "整改要求",
        "每个整改要求一行，含是否销号、是否逾期。",
        "enforcement",
        _columns(f"""{_CODE}
{_NAME}
ref|整改编号|string|整改要求编号
issued|下达日期|date|下达整改要求的日期
authority|下达机关|string|下达整改要求的机关
requirement|整改要求|string|整改内容
due|整改期限|date|应完成整改的日期
status|状态代码|string|open 整改中、closed 已销号
status_label|状态|string|整改中或已销号
closed|销号日期|date|销号日期，未销号为空
overdue|是否逾期|boolean|截至数据日期仍未销号且已过期限为 true
{_as_of("执法")}"""),
        _rectification_rows,
    ),
)


#: Values that are already plain (exact types: a bool is not passed through plain()).
_SCALARS = frozenset((str, int, float, bool, type(None)))
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    return value.isoformat() if kind is dt.date else plain(value)


def _cell(value: Any) -> str:
    """A CSV cell of a plain value (see cell)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def cell(value: Any) -> str:
    """A CSV cell: empty for none, true/false, whole numbers without '.0'."""
    return _cell(_plain(value))


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


#: Values csv.writer already writes as cell() does (None as empty, a date as YYYY-MM-DD).
_CSV_AS_IS = frozenset((str, int, type(None), dt.date))


def _json_default(value: Any) -> Any:
    return value.isoformat() if type(value) is dt.date else plain(value)


#: One JSON object per call, C encoder, same output as _JSON with dates as ISO strings.
_encode_row = (
    json.encoder.c_make_encoder(
        None, _json_default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if json.encoder.c_make_encoder is not None
    else lambda row, level: (_JSON.encode({k: _plain(v) for k, v in row.items()}),)
)


def unit_chunk(table: Table, site: Site, unit: Unit, base_url: str) -> tuple[bytes, bytes, int]:
    """One unit's rows of ``table`` as CSV bytes, JSON Lines bytes, and their count."""
    names = table.names
    cells, lines = [], []
    for row in table.rows(site, unit, base_url):
        if len(row) != len(names) or (not lines and tuple(row) != names):
            raise ValueError(f"{table.name} 表的行与列定义不符：{list(row)}")
        cells.append([v if type(v) in _CSV_AS_IS else _cell(_plain(v)) for v in row.values()])
        lines.append("".join(_encode_row(row, 0)))
    if not lines:
        return b"", b"", 0
    lines.append("")
    return _csv_text(cells).encode("utf-8"), "\n".join(lines).encode("utf-8"), len(cells)


#: Changed units whose new rows are compared with the kept ones before writing (so a
#: table none of whose bytes changed is linked, not written); more changes stream.
COMPARE_AT_MOST = 2000


def write_table(
    table: Table,
    units: list[Unit],
    codes: list[str],
    site: Site,
    folder: Path,
    base_url: str,
    keys: list[str | None],
    store: ChunkStore | None = None,
    bar: Any = None,
) -> list[Download]:
    """Write one table as CSV (UTF-8 with BOM) and JSON Lines, unit by unit (code order).

    With the units' content ``keys`` and a ``store``, the rows of units whose key is
    unchanged are copied from the last build's files in runs (see datachunks.py). ``bar``
    is moved on by one per unit written or copied.
    """
    header = ("\ufeff" + _csv_text([list(table.names)])).encode("utf-8")
    plan = store.match(codes, keys) if store is not None else [-1] * len(units)
    made: dict[int, tuple[bytes, bytes, int]] = {}
    if store is not None and store.valid and plan.count(-1) <= COMPARE_AT_MOST:
        for n in [n for n, old in enumerate(plan) if old < 0]:
            made[n] = chunk = unit_chunk(table, site, units[n], base_url)
            old = store.old_position(n, codes[n])
            if old >= 0 and store.same_bytes(old, chunk):
                plan[n] = old
    files = TableFiles(folder, table.name, header, store)
    try:
        if store is not None and store.valid and codes == store.codes and plan == store.order:
            files.link_kept()
        else:
            for first, stop, old in runs(plan):
                if old >= 0:
                    files.copy_run(old, old + stop - first)
                else:
                    files.add(
                        made.pop(first, None) or unit_chunk(table, site, units[first], base_url)
                    )
                if bar is not None:
                    bar.update(stop - first)
    finally:
        files.close()
    if store is not None:
        store.commit(files, codes, keys)
    return [
        Download(table.name, fmt, f"/{DATA_DIR}/{path.name}", files.rows, size, sha)
        for fmt, path, size, sha in files.summary()
    ]


def write_open_data(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> None:
    """Build step: write every download, the data package, the downloads and dictionary pages.

    During a build (``ctx.unit_keys``) the rows of unchanged units are copied from the
    files of the last build kept in the cache folder (see generator/opendata/chunks.py).
    """
    folder = Path(out_dir) / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    keys = ctx.unit_keys if ctx is not None else None
    # Not the as-of date: rows show it only as permit states and overdue flags, which the
    # unit keys carry (views.unit.as_of_marks).
    store_key = repr((step_code_key(), settings["base_url"])) if keys else ""
    units = _units(site)
    codes = [u.code for u in units]
    unit_keys: list[str | None] = [keys.get(c) for c in codes] if keys else [None] * len(units)
    downloads = []
    memo = TablesMemo()
    with step_bar(ctx, len(TABLES) * len(units), "开放数据", "个") as bar:
        for number, table in enumerate(TABLES, 1):
            store = None
            if keys:
                cache = Path(settings["cache_dir"]) / "opendata"
                store = ChunkStore.open(cache, table.name, store_key, memo)
            try:
                downloads += write_table(
                    table, units, codes, site, folder, settings["base_url"], unit_keys, store, bar
                )
            finally:
                if store is not None:
                    store.close()
            bar.update(len(units) * number - bar.n)  # linked or copied whole
    descriptor = data_package(site, downloads, TABLES, settings["base_url"])
    package = json.dumps(descriptor, ensure_ascii=False, indent=1)
    (folder / "datapackage.json").write_text(package + "\n", encoding="utf-8")
    context = {
        "as_of": site.as_of,
        "tables": TABLES,
        "downloads": downloads,
        "feeds": _feeds(site),
        "license": LICENSE,
        "attribution": descriptor["attribution"],
    }
    pages = {
        folder / "index.html": "opendata/downloads.html",
        folder / "dictionary" / "index.html": "opendata/dictionary.html",
    }
    render_pages(site, settings, pages, **context)


def _feeds(site: Site) -> list[tuple[str, str]]:
    from generator.opendata.feeds import feed_list

    return feed_list(site)


def render_pages(
    site: Site, settings: dict[str, Any], pages: dict[Path, str], **context: Any
) -> None:
    """Render templates to files in the site's look, through the site app's Jinja environment."""
    import flask

    from generator.pages.app import create_site_app

    app = create_site_app(site, settings)
    for path, template in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with app.test_request_context("/data/"):
            html = flask.render_template(template, site=site, **context)
        path.write_text(html, encoding="utf-8")
