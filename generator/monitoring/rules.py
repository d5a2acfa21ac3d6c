"""The early-warning rules (预警规则) as data: one row each, with a reason a citizen understands.

What each rule looks for is written in the store's SQL (``rules_sql.py``); the thresholds are
settings (``generator/settings.py``, prefix ``warn_``); docs/monitoring.md shows this table
(``markdown()`` writes it, a test holds the page to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import settings
from generator.content.model import Site
from generator.monitoring.codes import POLLUTANTS


@dataclass(frozen=True, slots=True)
class Rule:
    """One early-warning rule: what it finds, why it matters, what an officer is shown."""

    id: str
    #: "measured": a measured fact (超标, 缺数); "suspicion": a sign of faked or poor data,
    #: for officers only, never published as a fact.
    kind: str
    title: str
    reason: str
    evidence: str
    thresholds: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        "exceed",
        "measured",
        "超过排放限值",
        "排放浓度超过了排污许可证规定的限值。按标准规定的时段判断：小时限值看每小时均值，"
        "日限值看一天的有效小时均值的平均。废气用折算浓度。",
        "超标的小时（或日）及其浓度、限值、最高值",
        ("warn_daily_valid_hours",),
    ),
    Rule(
        "sustained",
        "measured",
        "持续超标",
        "连续多个小时的浓度都超过限值，说明不是偶然波动，治理设施可能没有正常运行。",
        "连续超标的小时数、每小时浓度、限值、最高值",
        ("warn_sustained_hours",),
    ),
    Rule(
        "flatline",
        "suspicion",
        "数值长时间不变",
        "真实的排放浓度每小时都会有波动。连续多个小时完全相同的数值，可能是仪器卡住，"
        "也可能是数据被人为设定。",
        "不变的数值和持续的小时数",
        ("warn_flatline_hours",),
    ),
    Rule(
        "zeros",
        "suspicion",
        "连续零值或负值",
        "生产时排放浓度不会是零或负数。标记为正常的零值、负值连续出现，"
        "可能是仪器故障、采样管路断开或数据造假。",
        "零值或负值的小时数及数值",
        ("warn_zero_hours",),
    ),
    Rule(
        "gap",
        "measured",
        "数据中断",
        "自动监控设备应当每小时上传数据。连续多个小时没有数据（或只有通信故障标记），"
        "这段时间的排放无法核实。",
        "缺少数据的小时数和起止时间",
        ("warn_gap_hours",),
    ),
    Rule(
        "flags",
        "suspicion",
        "维护、校准、手工设定时段过多",
        "维护（M）、校准（C）、手工设定（S）时段的数据不参与达标判断。"
        "一个月里这类时段太多，可能是在回避监测。",
        "当月 M、C、S 标记的小时数及其时间",
        ("warn_flag_hours_month",),
    ),
    Rule(
        "corrected_below",
        "suspicion",
        "折算浓度低于实测浓度",
        "废气浓度要按基准含氧量折算。烟气中空气通常比基准多，折算后的浓度一般高于实测浓度；"
        "连续多个小时折算浓度反而更低，需要核查含氧量数据是否真实。",
        "每小时的实测浓度和折算浓度",
        ("warn_corrected_below_hours",),
    ),
    Rule(
        "silent",
        "measured",
        "应自动监控却没有数据",
        "排污许可证要求这个排放口的这项污染物自动监测并联网，但在检查的整段时间里没有收到任何数据"
        "（或排放口没有登记数采仪编号）。",
        "没有数据的日期",
    ),
)

BY_ID = {rule.id: rule for rule in RULES}

#: The averaging period each limit applies to, by the standard the permit names (the start
#: of its number). Unconfirmed (DOMAIN.md): kept in this one table. Flue-gas standards set
#: hourly means; wastewater standards daily means (a composite of the day).
AVERAGING_BY_STANDARD: dict[str, str] = {
    "GB 13223": "hour",
    "GB 13271": "hour",
    "GB 4915": "hour",
    "GB 25466": "hour",
    "GB 16297": "hour",
    "GB 14554": "hour",
    "GB 18918": "day",
    "GB 8978": "day",
    "GB 3544": "day",
    "GB 21909": "day",
    "GB 18596": "day",
    "GB 21904": "day",
    "GB 21900": "day",
    "GB 25461": "day",
}
#: When the standard is not in the table: by the outlet's element.
AVERAGING_BY_KIND = {"gas": "hour", "water": "day"}
AVERAGING_LABELS = {"hour": "小时均值", "day": "日均值"}

CODE_OF = {name: code for code, name in POLLUTANTS.items()}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The rules' thresholds (hours), read from the settings of the same names."""

    daily_valid_hours: int
    sustained_hours: int
    flatline_hours: int
    zero_hours: int
    gap_hours: int
    flag_hours_month: int
    corrected_below_hours: int
    merge_hours: int
    lookback_hours: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        """The thresholds as the settings (``warn_*``) give them."""
        return cls(**{name: int(settings.get(f"warn_{name}")) for name in cls.__slots__})

    @property
    def lookback_days(self) -> int:
        """Whole days read before ``--since``: enough to see every run that crosses it."""
        runs = (self.sustained_hours, self.flatline_hours, self.zero_hours, self.gap_hours)
        hours = max(self.lookback_hours, self.corrected_below_hours, *runs, 24)
        return -(-hours // 24)


@dataclass(frozen=True, slots=True)
class Limit:
    """A pollutant an outlet must monitor automatically, with its limit (from content)."""

    unit_code: str
    outlet: str
    mn: str
    code: str
    limit_max: float | None
    limit_min: float | None
    averaging: str
    gas: bool


def averaging_of(standard: str, kind: str) -> str:
    """``hour`` or ``day``: the period the limit of ``standard`` applies to."""
    for prefix, period in AVERAGING_BY_STANDARD.items():
        if standard.startswith(prefix):
            return period
    return AVERAGING_BY_KIND.get(kind, "hour")


def limits_of(site: Site) -> list[Limit]:
    """Every automatically monitored pollutant of the content with an HJ 212 code."""
    found = []
    for unit in site.units:
        for outlet in unit.outlets:
            for p in outlet.pollutants:
                code = CODE_OF.get(p.name)
                if code is None or p.method.value != "automatic":
                    continue
                period = averaging_of(p.standard, outlet.kind)
                found.append(
                    Limit(
                        unit.fixed_source_code,
                        outlet.code,
                        outlet.mn,
                        code,
                        p.limit_max,
                        p.limit_min,
                        period,
                        outlet.kind == "gas",
                    )  # fmt: skip
                )
    return found


def markdown() -> str:
    """The rules and the averaging periods as the Markdown tables of docs/monitoring.md."""
    lines = [
        "| rule | 名称 | kind | why it matters (shown to officers and the enterprise) | "
        "evidence | thresholds |",
        "|---|---|---|---|---|---|",
    ]
    for r in RULES:
        names = ", ".join(f"`{t}` ({settings.declared(t).default})" for t in r.thresholds)
        names = names or "—"
        lines.append(f"| `{r.id}` | {r.title} | {r.kind} | {r.reason} | {r.evidence} | {names} |")
    lines += ["", "| standard (start of its number) | the limit applies to |", "|---|---|"]
    for prefix, period in AVERAGING_BY_STANDARD.items():
        lines.append(f"| {prefix} | {AVERAGING_LABELS[period]} (`{period}`) |")
    for kind, period in AVERAGING_BY_KIND.items():
        lines.append(f"| any other, {kind} outlet | {AVERAGING_LABELS[period]} (`{period}`) |")
    return "\n".join(lines) + "\n"
