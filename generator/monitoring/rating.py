"""The 环保脸谱 rating: the method as one table (criteria, weights, thresholds, grades) in
``data/rating.csv``, checked whole, and a unit's score from measured facts only.

Only what was measured enters a rating: outlets with a data logger, hours received, hours
flagged, valid hours. Suspicions (flatlines, runs of zeros, corrected values below measured
ones) are for officers' warnings and never change a rating or its reasons (docs/monitoring.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from generator.pages.automatic import CriterionScore, MethodRow, Rating

METHOD_FILE = Path(__file__).parent / "data" / "rating.csv"
#: The criteria the rating knows how to measure, each exactly once in the table.
CRITERIA = ("installation", "networking", "operation", "validity")
KINDS = {"指标": "criterion", "等级": "grade"}
COLUMNS = ("类型", "代码", "名称", "权重", "满分", "零分", "说明")


class MethodError(ValueError):
    """The rating method table has problems (every one is listed)."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What was measured of one unit this year, the inputs of its rating."""

    required_outlets: int
    installed_outlets: int
    #: Hours each series should have sent this year to the unit's data-as-of, summed.
    expected: int
    received: int
    stopped: int
    faults: int
    valid: int

    def shares(self) -> dict[str, float]:
        """Each criterion's measured share (0 to 1)."""
        due = self.expected - self.stopped
        return {
            "installation": _share(self.installed_outlets, self.required_outlets),
            "networking": _share(self.received, self.expected),
            "operation": _share(self.received - self.faults, self.received),
            "validity": _share(self.valid, due),
        }


def _share(part: int, whole: int) -> float:
    return min(1.0, max(0.0, part / whole)) if whole > 0 else 0.0


def load_method(path: Path = METHOD_FILE) -> tuple[MethodRow, ...]:
    """The rating method of ``path``, checked; raises MethodError naming every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MethodError(f"评级方法表 {path} 无法读取：{error}") from error
    rows, problems = _rows(path, text)
    problems += _whole(path, rows)
    if problems:
        raise MethodError("评级方法表有问题：\n" + "\n".join(problems))
    return tuple(rows)


def _rows(path: Path, text: str) -> tuple[list[MethodRow], list[str]]:
    """Each row of the table, and the problems of single rows."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    if tuple(c.strip() for c in header) != COLUMNS:
        return [], [f"{path} 第 1 行：表头应为 {','.join(COLUMNS)}"]
    rows, problems = [], []
    for line, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        where = f"{path} 第 {line} 行"
        if len(cells) != len(COLUMNS):
            problems.append(f"{where}：应有 {len(COLUMNS)} 列，实有 {len(cells)} 列")
            continue
        row, found = _row(where, dict(zip(COLUMNS, (c.strip() for c in cells), strict=True)))
        problems += found
        if row is not None:
            rows.append(row)
    return rows, problems


def _row(where: str, cell: dict[str, str]) -> tuple[MethodRow | None, list[str]]:
    """One row read and checked."""
    kind = KINDS.get(cell["类型"])
    where = f"{where}（代码 {cell['代码'] or '空'}）"
    problems = [] if kind else [f"{where}：字段「类型」应为 指标 或 等级，实为「{cell['类型']}」"]
    if not cell["名称"]:
        problems.append(f"{where}：字段「名称」为空")
    numbers: dict[str, float | None] = {}
    for name in ("权重", "满分", "零分"):
        try:
            numbers[name] = float(cell[name]) if cell[name] else None
        except ValueError:
            problems.append(f"{where}：字段「{name}」应为数字，实为「{cell[name]}」")
            numbers[name] = None
    if kind is None or problems:
        return None, problems
    if kind == "criterion":
        problems += _criterion(where, cell["代码"], numbers)
    else:
        problems += _grade(where, cell["代码"], numbers)
    row = MethodRow(kind, cell["代码"], cell["名称"], numbers["权重"], numbers["满分"],
                    numbers["零分"], cell["说明"])  # fmt: skip
    return (None if problems else row), problems


def _criterion(where: str, key: str, numbers: dict[str, float | None]) -> list[str]:
    """Problems of one criterion row."""
    problems = []
    if key not in CRITERIA:
        problems.append(f"{where}：字段「代码」应为 {'、'.join(CRITERIA)} 之一")
    weight, full, zero = numbers["权重"], numbers["满分"], numbers["零分"]
    if weight is None or weight <= 0:
        problems.append(f"{where}：字段「权重」应为大于 0 的数")
    if full is None or zero is None or not 0 <= zero < full <= 1:
        problems.append(f"{where}：字段「满分」「零分」应为 0 到 1 之间的比例，且零分小于满分")
    return problems


def _grade(where: str, key: str, numbers: dict[str, float | None]) -> list[str]:
    """Problems of one grade row (its key names its listing's address)."""
    problems = []
    if not (key.isascii() and key.isalpha() and key.islower()) or key == "city":
        problems.append(f"{where}：等级的字段「代码」只能含半角小写字母（不能为 city），用作网址")
    if numbers["满分"] is None or not 0 <= numbers["满分"] <= 100:
        problems.append(f"{where}：等级的字段「满分」（最低总分）应为 0 到 100 之间的数")
    return problems


def _whole(path: Path, rows: list[MethodRow]) -> list[str]:
    """Problems of the table as a whole: each criterion once, weights 100, grades."""
    problems = []
    keys = [r.key for r in rows if r.kind == "criterion"]
    for key in CRITERIA:
        if keys.count(key) != 1:
            problems.append(f"{path}：指标 {key} 应出现 1 次，实有 {keys.count(key)} 次")
    total = sum(r.weight or 0 for r in rows if r.kind == "criterion")
    if rows and abs(total - 100) > 1e-9:
        problems.append(f"{path}：各指标「权重」之和应为 100，实为 {total:g}")
    grades = [r for r in rows if r.kind == "grade"]
    floors = [r.full for r in grades]
    if len(set(floors)) != len(floors) or len({r.key for r in grades}) != len(grades):
        problems.append(f"{path}：等级的代码和最低总分不能重复")
    if 0 not in floors:
        problems.append(f"{path}：应有一个最低总分为 0 的等级（任何得分都有等级）")
    return problems


def rate(facts: Facts, method: tuple[MethodRow, ...]) -> Rating:
    """The rating of a unit with ``facts`` under ``method``, with a reason per criterion."""
    shares = facts.shares()
    scores = []
    for row in (r for r in method if r.kind == "criterion"):
        full, zero, weight = row.full or 1.0, row.zero or 0.0, row.weight or 0.0
        value = shares[row.key]
        points = weight * min(1.0, max(0.0, (value - zero) / (full - zero)))
        reason = (
            f"{row.name}：{value:.1%}（不低于 {full:.0%} 得满分，不高于 {zero:.0%} 得 0 分），"
            f"得 {points:.1f} 分 / {weight:g} 分"
        )
        scores.append(CriterionScore(row.key, row.name, value, round(points, 1), weight, reason))
    total = round(sum(s.points for s in scores), 1)
    grades = sorted((r for r in method if r.kind == "grade"), key=lambda r: -(r.full or 0))
    grade = next(g for g in grades if total >= (g.full or 0))
    return Rating(total, grade.key, grade.name, tuple(scores))
