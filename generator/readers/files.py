"""Readers keyed by source format: YAML unit files, JSON Lines exports, Markdown pages, bodies."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..markup import render_markdown
from ..model import EnforcementBody, Page, Unit
from ..problems import Problem
from .fields import RecordReader
from .units import read_unit

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BODY_KEYS = frozenset("id name level parent areas email phone".split())
BODY_LEVELS = ("province", "city", "county")
PAGE_KEYS = frozenset("title summary order".split())
SITE_KEYS = frozenset("title province issuer".split())
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Result = tuple[list[Any], list[Problem]]


def load_yaml(path: Path, rel: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML file; a syntax error becomes a Problem with its line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=Loader), []
    except UnicodeDecodeError:
        return None, [Problem(rel, "", "", "文件不是 UTF-8 编码，请用 UTF-8 保存")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(error, "problem", None) or str(error)
        return None, [
            Problem(rel, "", "", f"YAML 格式错误（检查缩进、冒号和引号）：{reason}", line)
        ]


def read_yaml_units(path: Path, rel: str) -> Result:
    """A unit file ``units/<code>.yaml`` holding one unit."""
    data, problems = load_yaml(path, rel)
    if problems:
        return [], problems
    unit, problems = read_unit(data, rel)
    return ([unit] if unit else []), problems


def read_jsonl_units(path: Path, rel: str) -> Result:
    """A JSON Lines bulk export: one unit per line, same schema as the YAML files."""
    units: list[Unit] = []
    problems: list[Problem] = []
    # Lines end at "\n" only, so line numbers match a byte-level split (see build.source_keys).
    with path.open(encoding="utf-8-sig", newline="\n") as lines:
        for number, line in enumerate(lines, 1):
            unit, found = read_jsonl_line(line, rel, number)
            if unit:
                units.append(unit)
            problems.extend(found)
    return units, problems


def read_jsonl_line(line: str, rel: str, number: int) -> tuple[Unit | None, list[Problem]]:
    """One line of a JSON Lines file: a unit, or None (blank line, or with its problems)."""
    if not line.strip():
        return None, []
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return None, [Problem(rel, f"第{number}行", "", f"不是有效的 JSON：{error.msg}", number)]
    return read_unit(data, rel, number)


#: Unit readers by file suffix (Pelican style): add a format by adding a reader here.
UNIT_READERS = {".yaml": read_yaml_units, ".yml": read_yaml_units, ".jsonl": read_jsonl_units}


def read_page(path: Path, rel: str) -> Result:
    """A Markdown page with YAML front matter (title, summary, order); slug from the file name."""
    slug = path.stem
    r = RecordReader(rel, slug)
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        r.fail("", "页面开头应有 --- 包围的信息头（title、summary、order）")
        return [], r.problems
    try:
        meta = yaml.load(match.group(1), Loader=Loader) or {}
    except yaml.YAMLError as error:
        r.fail("", f"信息头 YAML 格式错误：{getattr(error, 'problem', error)}")
        return [], r.problems
    if not isinstance(meta, dict):
        r.fail("", "信息头应为键值对（title: 标题）")
        return [], r.problems
    if not _SLUG.match(slug):
        r.fail("", "文件名只能用小写英文字母、数字和连字符，如 how-to-read.md")
    r.unknown_keys(meta, PAGE_KEYS)
    order = r.number(meta, "order")
    page = Page(
        slug=slug,
        title=r.text(meta, "title"),
        summary=r.text(meta, "summary", required=False),
        order=int(order) if order is not None else 100,
        body_html=render_markdown(text[match.end() :]),
        source=rel,
    )
    return ([] if r.problems else [page]), r.problems


def read_bodies(path: Path, rel: str) -> Result:
    """``bodies.yaml``: a list of enforcement bodies (id, name, level, parent, areas, contacts)."""
    data, problems = load_yaml(path, rel)
    if problems:
        return [], problems
    if not isinstance(data, list):
        return [], [Problem(rel, "", "", "应为执法机构列表（每项以 - 开头）")]
    bodies: list[EnforcementBody] = []
    for n, item in enumerate(data, 1):
        body, found = _body(item, rel, n)
        problems.extend(found)
        if body:
            bodies.append(body)
    return bodies, problems


def _body(item: Any, rel: str, n: int) -> tuple[EnforcementBody | None, list[Problem]]:
    ident = item.get("id") if isinstance(item, dict) else None
    r = RecordReader(rel, ident if isinstance(ident, str) else f"第{n}项")
    if not isinstance(item, dict):
        r.fail("", "每个执法机构应为键值对记录")
        return None, r.problems
    r.unknown_keys(item, BODY_KEYS)
    level = r.text(item, "level")
    if level and level not in BODY_LEVELS:
        r.fail(
            "level", f"“{level}” 不是允许的值；可用：province（省级）、city（市级）、county（县级）"
        )
    areas = r.texts(item, "areas")
    if not areas:
        r.fail("areas", '缺少管辖区域（GB/T 2260 行政区划代码列表，如 ["450126"]）')
    body = EnforcementBody(
        id=r.text(item, "id"),
        name=r.text(item, "name"),
        level=level,
        areas=areas,
        email=r.text(item, "email", required=False),
        phone=r.text(item, "phone", required=False),
        parent=r.text(item, "parent", required=False) or None,
    )
    return (None if r.problems else body), r.problems


def read_site_settings(path: Path, rel: str) -> tuple[dict[str, str], list[Problem]]:
    """``site.yaml``: title, province code and issuer line of the whole site."""
    data, problems = load_yaml(path, rel)
    if problems:
        return {}, problems
    if not isinstance(data, dict):
        return {}, [Problem(rel, "", "", "应为键值对（title: ...）")]
    r = RecordReader(rel, "site")
    r.unknown_keys(data, SITE_KEYS)
    values = {
        "title": r.text(data, "title"),
        "province": r.text(data, "province"),
        "issuer": r.text(data, "issuer", required=False),
    }
    return values, r.problems


def read_stats(path: Path, rel: str) -> tuple[dict, list[Problem]]:
    """Public report statistics JSON written by the feedback service."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return {}, [Problem(rel, "", "", f"统计文件不是有效的 JSON：{error}")]
    if not isinstance(data, dict):
        return {}, [Problem(rel, "", "", "统计文件应为 JSON 对象")]
    return data, []
