"""The draws export of the feedback service (``draws_file``): checked draw by draw, every
problem named by file, draw and field (docs/draws.md, "Publication")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.content.draws import PERIOD, PublicDraw
from generator.content.problems import Problem
from generator.content.readers.ledger import FieldChecks, duplicates, iso_day, parse_json

DRAW_KEYS = frozenset("id body period drawn_on units inspectors library inputs_digest".split())
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Draws:
    """The draws file as read: its day and its draws, in file order."""

    as_of: dt.date | None = None
    draws: tuple[PublicDraw, ...] = ()


def read_draw(data: Any, rel: str, n: int) -> tuple[PublicDraw | None, list[Problem]]:
    """Draw ``n`` (1-based) of the file, or None with its problems."""
    ident = data.get("id") if isinstance(data, dict) else None
    record = f"第{n}项 {ident}" if ident not in (None, "") else f"第{n}项"
    if not isinstance(data, dict):
        return None, [Problem(rel, record, "", "每次抽取应为 JSON 对象")]
    r = FieldChecks(rel, record, data)
    for key in sorted(set(data) - DRAW_KEYS):
        r.fail(key, "不认识的字段（可用：" + "、".join(sorted(DRAW_KEYS)) + "）")
    for key in sorted(DRAW_KEYS - set(data)):
        r.fail(key, "缺少此字段")
    if r.problems:
        return None, r.problems
    period = r.text("period")
    if period and not PERIOD.match(period):
        r.fail("period", f"“{period}”应写作 2026、2026-H1、2026-Q4 或 2026-12")
    units = data.get("units")
    if not isinstance(units, list) or not all(isinstance(u, str) and u for u in units):
        r.fail("units", "应为单位编码（文字）的列表")
        units = []
    digest = r.text("inputs_digest")
    if digest and not _DIGEST.match(digest):
        r.fail("inputs_digest", "应为 64 位小写十六进制的 SHA-256 摘要")
    draw = PublicDraw(
        id=r.count("id"),
        body=r.text("body"),
        period=period,
        drawn_on=r.day("drawn_on") or dt.date.min,
        units=tuple(sorted(set(units))),
        inspectors=r.count("inspectors"),
        library=r.count("library"),
        inputs_digest=digest,
    )
    return (None if r.problems else draw), r.problems


def read_draws(path: Path, rel: str) -> tuple[Draws, list[Problem]]:
    """The draws file at ``path`` (shown as ``rel``) and every problem found in it."""
    data, problems = parse_json(path, rel, "抽查公示文件")
    if data is None:
        return Draws(), problems
    if not isinstance(data, dict) or not isinstance(data.get("draws"), list):
        message = '抽查公示文件应为 JSON 对象，含 "as_of"（日期）和 "draws"（抽取列表）'
        return Draws(), [*problems, Problem(rel, "", "", message)]
    problems += [
        Problem(rel, "", k, "不认识的字段") for k in sorted(set(data) - {"as_of", "draws"})
    ]
    as_of = iso_day(data.get("as_of"))
    if as_of is None:
        problems.append(Problem(rel, "", "as_of", "应为 YYYY-MM-DD 格式的日期"))
    found = []
    for n, raw in enumerate(data["draws"], 1):
        draw, trouble = read_draw(raw, rel, n)
        problems += trouble
        if draw is not None:
            found.append(draw)
    problems += duplicates(data["draws"], rel)
    return Draws(as_of, tuple(found)), problems


def known_units(draws: Draws, codes: set[str], rel: str) -> tuple[Draws, list[str]]:
    """The draws with only the units the content has, and a notice for each one left out."""
    notices, kept = [], []
    for draw in draws.draws:
        gone = [c for c in draw.units if c not in codes]
        notices += [
            f"{rel} [{draw.id}] units: 内容中没有编码为 {c} 的排污单位，未公示该单位的抽中情况"
            for c in gone
        ]
        kept.append(replace(draw, units=tuple(c for c in draw.units if c in codes)))
    return Draws(draws.as_of, tuple(kept)), notices
