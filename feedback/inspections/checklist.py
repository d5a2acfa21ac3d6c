"""The checklist of an on-site inspection: a CSV table, checked whole at start-up.

The table has the columns ``code`` (a short Latin name, used in form fields and ledger
references), ``title`` (the item as the record prints it) and ``guidance`` (what to look at,
may be empty). The setting INSPECTION_CHECKLIST names it; empty means the nine items of the
Jilin notice shipped beside this module. See docs/inspections.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "checklist.csv"
COLUMNS = ("code", "title", "guidance")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_TITLE = 60
MAX_GUIDANCE = 300
MAX_ITEMS = 60


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One item of the checklist."""

    code: str
    title: str
    guidance: str = ""


class ChecklistError(ValueError):
    """The checklist table is unusable; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("检查项表有误，服务没有启动：\n" + "\n".join(problems))
        self.problems = problems


def _read_text(path: Path) -> str:
    """The file's text (UTF-8, a byte-order mark allowed), or ChecklistError naming it."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ChecklistError([f"{path}：文件不存在（设置 INSPECTION_CHECKLIST）"]) from None
    except UnicodeDecodeError as exc:
        raise ChecklistError([f"{path}：不是 UTF-8 编码的文本（第 {exc.start} 字节）"]) from None
    except OSError as exc:
        raise ChecklistError([f"{path}：无法读取（{exc.strerror}）"]) from None


def _header_problems(path: Path, header: list[str] | None) -> list[str]:
    if not header:
        return [f"{path} 第 1 行：表头为空，应为 {','.join(COLUMNS)}"]
    names = [h.strip() for h in header]
    problems = [f"{path} 第 1 行：缺少列 {c}" for c in COLUMNS[:2] if c not in names]
    problems += [
        f"{path} 第 1 行：未知的列 {n or '（空）'}，可用的列为 {','.join(COLUMNS)}"
        for n in names
        if n not in COLUMNS
    ]
    return problems


def _row_problems(where: str, row: dict[str, str], seen: dict[str, int]) -> list[str]:
    """Every problem of one row, each naming the line, the item and the field."""
    code, title = row["code"], row["title"]
    problems = []
    if not CODE.match(code):
        problems.append(
            f"{where} code：“{code}”不可用，应为小写字母开头的字母、数字或下划线（最多 30 个）"
        )
    elif code in seen:
        problems.append(f"{where} code：与第 {seen[code]} 行重复")
    if not title:
        problems.append(f"{where} title：检查项名称不能为空")
    elif len(title) > MAX_TITLE:
        problems.append(f"{where} title：检查项名称超过 {MAX_TITLE} 个字")
    if len(row["guidance"]) > MAX_GUIDANCE:
        problems.append(f"{where} guidance：检查要点超过 {MAX_GUIDANCE} 个字")
    return problems


def parse(text: str, path: Path) -> tuple[ChecklistItem, ...]:
    """The items of a checklist table's text; ChecklistError with every problem."""
    try:
        return _parse(text, path)
    except csv.Error as exc:
        raise ChecklistError([f"{path}：不是可读的 CSV 表格（{exc}）"]) from None


def _parse(text: str, path: Path) -> tuple[ChecklistItem, ...]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    problems = _header_problems(path, header)
    if problems:
        raise ChecklistError(problems)
    assert header is not None
    names = [h.strip() for h in header]
    items: list[ChecklistItem] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            problems.append(f"{path} 第 {line} 行：有 {len(cells)} 列，表头只有 {len(names)} 列")
            continue
        row = {n: "" for n in COLUMNS} | {n: c.strip() for n, c in zip(names, cells, strict=False)}
        where = f"{path} 第 {line} 行 [{row['code'] or '?'}]"
        found = _row_problems(where, row, seen)
        problems += found
        seen.setdefault(row["code"], line)
        if not found:
            items.append(ChecklistItem(row["code"], row["title"], row["guidance"]))
    if not items and not problems:
        problems.append(f"{path}：没有任何检查项")
    if len(items) > MAX_ITEMS:
        problems.append(f"{path}：检查项超过 {MAX_ITEMS} 项")
    if problems:
        raise ChecklistError(problems)
    return tuple(items)


def load(setting: str | Path | None) -> tuple[ChecklistItem, ...]:
    """The checklist the setting names (empty: the shipped nine items)."""
    path = Path(setting) if setting else DEFAULT
    return parse(_read_text(path), path)
