"""The open data tables: their columns (the data dictionary) and how rows are made.

Codes and Chinese labels of enumerated columns (categories, permit states, execution...)
are never retyped here: a description names them as ``$category_codes`` and the text is
made from the tables in generator/content/enums.py when it is read, so the dictionary page
and datapackage.json follow a changed label. See docs/open-data.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from string import Template

from generator.content import enums
from generator.content.codes import OUTLET_ELEMENT_LABELS
from generator.content.ledger import LEDGER_SOURCE_LABELS, LEDGER_STATE_LABELS
from generator.content.model import Site, Unit
from generator.opendata import rows
from generator.opendata.rows import Row


def _labelled() -> dict[str, dict[str, str]]:
    """The label tables the dictionary names, code -> Chinese label, in the enums' order."""
    return {
        "category": enums.CATEGORY_LABELS,
        "permit_state": enums.PERMIT_STATE_LABELS,
        "permit_status": enums.PERMIT_STATUS_LABELS,
        "method": enums.METHOD_LABELS,
        "execution": enums.EXECUTION_LABELS,
        "rectification": enums.RECTIFICATION_LABELS,
        "outlet_kind": OUTLET_ELEMENT_LABELS,
        "outlet_type": enums.OUTLET_TYPE_LABELS,
        "ledger_source": LEDGER_SOURCE_LABELS,
        "ledger_state": LEDGER_STATE_LABELS,
    }


def labelled_texts() -> dict[str, str]:
    """For each label table NAME: NAME_codes (``key 重点管理、…``), NAME_values (``key、…``),
    NAME_labels (``重点管理、…``) and NAME_either (``整改中或已销号``); and
    permit_states_dated, the states a permit can have with the expiring window."""
    texts: dict[str, str] = {}
    for name, table in _labelled().items():
        texts[f"{name}_codes"] = "、".join(f"{code} {label}" for code, label in table.items())
        texts[f"{name}_values"] = "、".join(table)
        texts[f"{name}_labels"] = "、".join(table.values())
        texts[f"{name}_either"] = "或".join(table.values())
    dated = {s.value: s.value for s in enums.PermitState if s is not enums.PermitState.REGISTERED}
    dated["expiring"] += f"（{enums.EXPIRING_DAYS}日内到期）"
    texts["permit_states_dated"] = "、".join(dated.values())
    return texts


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a download: its name, Chinese label, type and description."""

    name: str
    label: str
    type: str  # string | integer | number | date | boolean
    #: The description as written, ``$name`` naming a text made from the labels (labelled_texts).
    text: str

    @property
    def help(self) -> str:
        """The description, the codes and labels in it taken from the model's enums now."""
        return Template(self.text).substitute(labelled_texts())


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
category|管理类别代码|string|$category_codes
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
permit_state|许可证状态代码|string|$permit_state_values，以数据截至日判断
permit_state_label|许可证状态|string|$permit_state_labels
outlet_count|排放口数|integer|排放口个数
penalty_count|行政处罚数|integer|已公开的行政处罚决定数
open_rectification_count|未销号整改数|integer|尚未销号的整改要求数
data_as_of_permit|许可数据截至|date|许可证与排放口数据的截至日期
data_as_of_monitoring|监测数据截至|date|监测数据的截至日期，可为空
data_as_of_enforcement|执法数据截至|date|检查、处罚、整改数据的截至日期，可为空
url|页面地址|string|该单位公开页面（二维码所指）的完整地址"""),
        rows.unit_rows,
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
kind|排放口类别代码|string|$outlet_kind_codes
kind_label|排放口类别|string|$outlet_kind_either
type|排放口类型代码|string|$outlet_type_codes
type_label|排放口类型|string|$outlet_type_either
location|位置|string|排放口位置描述
{_LATLON}
stack_height_m|排气筒高度（米）|number|废气排放口排气筒高度，可为空
diameter_m|出口内径（米）|number|排气筒出口内径，可为空
receiving_water|受纳水体|string|废水排放口的受纳水体
pollutant|污染物|string|污染物名称
unit|计量单位|string|限值的计量单位，如 mg/L、mg/m³
{_LIMITS}
standard|执行标准|string|执行的排放标准名称
method|监测方式代码|string|$method_codes
networked|是否联网|boolean|自动监测设备是否与生态环境部门联网（true/false）
frequency|监测频次|string|自行监测频次
{_as_of("许可")}
url|页面地址|string|该排放口页面（排放口二维码所指）的完整地址"""),
        rows.outlet_rows,
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
status|登记状态代码|string|发证机关记录的状态：$permit_status_codes
status_date|状态变更日期|date|撤销或注销的日期，可为空
state|许可证状态代码|string|结合日期判断的状态：$permit_states_dated
state_label|许可证状态|string|状态中文名
permitted|许可排放量|string|年许可排放量，形如“化学需氧量 86.4 t/a”，多个以“；”分隔
city_code|地市代码|string|所在地级市的 GB/T 2260 代码
{_as_of("许可")}"""),
        rows.permit_rows,
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
method|监测方式代码|string|$method_codes
{_LIMITS}
exceeds|是否超标|boolean|超出限值为 true，未超出为 false；无限值，或无法判定（未检出且检出限高于上限，或该项有下限）时为空。未检出从不算超标
{_as_of("监测")}"""),
        rows.monitoring_rows,
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
execution|执行情况代码|string|$execution_codes
execution_label|执行情况|string|执行情况中文名
document_url|决定书链接|string|处罚决定书原文地址，可为空
{_as_of("执法")}"""),
        rows.penalty_rows,
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
status|状态代码|string|$rectification_codes
status_label|状态|string|$rectification_either
closed|销号日期|date|销号日期，未销号为空
overdue|是否逾期|boolean|截至数据日期仍未销号且已过期限为 true
{_as_of("执法")}"""),
        rows.rectification_rows,
    ),
    Table(
        "ledger",
        "问题台账",
        "问题台账的每个事项一行：发现的问题、整改期限、状态与销号日期（不含个人信息）。",
        "enforcement",
        _columns(f"""{_CODE}
{_NAME}
{_CITY}
id|事项编号|string|台账事项的公开编号
outlet_code|排放口编号|string|问题所在排放口的编码，可为空
source|来源代码|string|$ledger_source_codes
source_label|来源|string|来源中文名
found_on|发现日期|date|发现问题的日期
title|发现的问题|string|问题的公开表述
action|整改要求|string|要求的整改措施，当场整改的可为空
due_on|整改期限|date|应完成整改的日期；当场整改（立整立改）为空
state|状态代码|string|$ledger_state_codes（逾期不是状态，见 overdue）
state_label|状态|string|状态中文名
closed_on|销号日期|date|核查后销号的日期，未销号为空
overdue|是否逾期|boolean|未销号且已过整改期限（按构建日判断）为 true
body|责任机构|string|负责督促整改的执法机构编号（bodies.yaml 的 id）
data_as_of|台账截至|date|反馈平台导出台账的日期"""),
        rows.ledger_rows,
    ),
)
