"""``yimatong monitoring import``: read export files, check them, merge them into the store."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator import clock
from generator.content.model import Site
from generator.monitoring.checks import Checker, Reject, Value
from generator.monitoring.codes import REASONS
from generator.monitoring.sources import read_checked
from generator.monitoring.store import Merged, Store


@dataclass
class Summary:
    """What an import read, took and refused."""

    files: int = 0
    frames: int = 0
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)

    def add(self, merged: Merged) -> None:
        """Count what one file's merge did."""
        self.new += merged.new
        self.corrected += merged.corrected
        self.unchanged += merged.unchanged

    def text(self) -> str:
        """The summary as the command prints it."""
        lines = [
            f"读取 {self.files} 个文件，{self.frames} 帧（行）。",
            f"接收监测值：新增 {self.new}，更正 {self.corrected}，"
            f"与已导入的相同（未重复计入）{self.unchanged}。",
        ]
        total = sum(self.rejected.values())
        lines.append(f"拒收 {total} 项" + ("。" if not total else "："))
        for reason, words in REASONS.items():
            if self.rejected[reason]:
                lines.append(f"  {words}：{self.rejected[reason]}")
        return "\n".join(lines)


def outlets_of(site: Site) -> dict[str, tuple[str, str]]:
    """MN -> (unit code, outlet code), from the outlets' ``mn`` fields."""
    return {o.mn: (u.fixed_source_code, o.code) for u in site.units for o in u.outlets if o.mn}


def now_in_china() -> dt.datetime:
    """The present moment as a naive China time, as frames write their times."""
    return clock.now().astimezone(clock.CHINA).replace(tzinfo=None)


def import_files(
    paths: Sequence[Path],
    store: Store,
    outlets: Mapping[str, tuple[str, str]],
    now: dt.datetime | None = None,
) -> Summary:
    """Import every file in order: a later file's different value for a period corrects the
    earlier one. Nothing stops at a bad line; every refusal is counted once and kept."""
    checker = Checker(outlets, now or now_in_china())
    summary = Summary()
    for path in paths:
        values, rejects, frames = read_file(path, str(path), checker)
        summary.files += 1
        summary.frames += frames
        summary.add(store.merge(values))
        store.add_rejects(rejects)
        summary.rejected.update(r.reason for r in rejects)
        summary.rejects.extend(rejects)
    return summary


def read_file(path: Path, name: str, checker: Checker) -> tuple[list[Value], list[Reject], int]:
    """The accepted values of one file (a period given twice in it: the first only), what
    was refused, and how many frames or rows were read."""
    values: dict[tuple, Value] = {}
    rejects: list[Reject] = []
    frames = 0
    for item in read_checked(path, name, checker):
        frames += 1
        if isinstance(item, list):
            found = item
        elif isinstance(item, Reject):
            rejects.append(item)
            continue
        else:
            found, refused = checker.values(item.at, item.cn, item.data_time, item.readings)
            rejects.extend(refused)
        for value in found:
            first = values.get(value.key)
            if first is None:
                values[value.key] = value
            else:
                rejects.append(_twice(value, first))
    return list(values.values()), rejects, frames


def _twice(value: Value, first: Value) -> Reject:
    """A period given a second time in the same file: refused, the first kept."""
    file, _, line = value.source.rpartition(":")
    detail = (
        f"{value.code} {value.start:%Y-%m-%d %H:%M} 在本文件第 {first.source.rpartition(':')[2]} "
        "行已有；同一文件只取第一次（更正请放在后导入的文件中）"
    )
    return Reject(file, int(line), "duplicate", detail, value.mn, value.code)


REJECT_COLUMNS = ("文件", "行", "原因", "说明", "MN", "污染物代码")


def write_rejects(rejects: Iterable[Reject], path: Path) -> None:
    """The rejects as a CSV (UTF-8 with BOM, so spreadsheet programs show the Chinese)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    with part.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REJECT_COLUMNS)
        for r in rejects:
            writer.writerow((r.file, r.line, REASONS[r.reason], r.detail, r.mn, r.code))
    part.replace(path)
