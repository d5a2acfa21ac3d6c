"""Readers keyed by source format: YAML unit files, JSON Lines exports, Markdown pages, bodies."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email

from generator.content import placeholders
from generator.content.markup import render_markdown
from generator.content.model import EnforcementBody, Page, Unit
from generator.content.problems import Problem
from generator.content.readers import jsonparse, source, yamlparse
from generator.content.readers.fields import RecordReader, Sharing
from generator.content.readers.units import read_unit

BODY_KEYS = frozenset("id name level parent areas email phone".split())
BODY_LEVELS = ("province", "city", "county")
PAGE_KEYS = frozenset("title summary order".split())
SITE_KEYS = frozenset("title province issuer".split())
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Result = tuple[list[Any], list[Problem]]


def yaml_data(text: str, rel: str, offset: int = 0) -> tuple[Any, list[Problem], bool]:
    """The data of YAML ``text``; its problems (syntax, or each key written twice); and
    whether it could be parsed at all. ``offset`` is added to line numbers."""
    data, twice, error = yamlparse.parse(text, offset)
    if error is not None:
        message, line = error
        return None, [Problem(rel, "", "", message, line)], False
    return data, [Problem(rel, "", d.path + d.key, d.message(), d.second) for d in twice], True


def load_yaml(path: Path, rel: str) -> tuple[Any, list[Problem]]:
    """Read and parse one YAML file; every failure becomes a Problem (with its line).

    The data is None when the file could not be read or parsed; keys written twice are
    problems beside the data, so the rest of the file is still checked."""
    text, problems = source.read_text(path, rel)
    if text is None:
        return None, problems
    data, problems, parsed = yaml_data(text, rel)
    return (data if parsed else None), problems


def yaml_unit(raw: bytes, rel: str, sharing: Sharing | None = None) -> Result:
    """A unit file's bytes into its unit (none if it has any problem) and its problems."""
    text, problems = source.decode(raw, rel)
    if text is None:
        return [], problems
    data, problems, parsed = yaml_data(text, rel)
    if not parsed:
        return [], problems
    unit, found = read_unit(data, rel, sharing=sharing)
    record = found[0].record if found else (unit.fixed_source_code if unit else "")
    problems = [replace(p, record=record) for p in problems] + found
    return ([unit] if unit and not problems else []), problems


def read_yaml_units(path: Path, rel: str, sharing: Sharing | None = None) -> Result:
    """A unit file ``units/<code>.yaml`` holding one unit."""
    raw, problems = source.read_bytes(path, rel)
    return ([], problems) if raw is None else yaml_unit(raw, rel, sharing)


def jsonl_lines(raw: bytes, rel: str) -> tuple[list[bytes], list[Problem]]:
    """The lines of a JSON Lines file split at "\n" (as ``build.source_keys`` does), or none
    with the problem of a file that is not UTF-8 text at all (UTF-16, NUL bytes)."""
    problem = source.encoding_problem(raw, rel)
    return ([], [problem]) if problem is not None else (raw.split(b"\n"), [])


def read_jsonl_units(path: Path, rel: str, sharing: Sharing | None = None) -> Result:
    """A JSON Lines bulk export: one unit per line, same schema as the YAML files. A line that
    cannot be read is reported and the other lines are read on."""
    raw, problems = source.read_bytes(path, rel)
    lines, found = jsonl_lines(raw, rel) if raw is not None else ([], [])
    problems += found
    units: list[Unit] = []
    sharing = sharing if sharing is not None else Sharing()
    for number, line in enumerate(lines, 1):
        unit, found = read_jsonl_bytes(line, rel, number, sharing)
        if unit:
            units.append(unit)
        problems.extend(found)
    return units, problems


def read_jsonl_bytes(
    raw: bytes, rel: str, number: int, sharing: Sharing | None = None
) -> tuple[Unit | None, list[Problem]]:
    """One line of a JSON Lines file as bytes: a unit, or None (blank, or with its problems)."""
    text, problems = source.decode_line(raw, rel, number)
    return (None, problems) if text is None else read_jsonl_line(text, rel, number, sharing)


def read_jsonl_line(
    line: str, rel: str, number: int, sharing: Sharing | None = None
) -> tuple[Unit | None, list[Problem]]:
    """One line of a JSON Lines file: a unit, or None (blank line, or with its problems)."""
    if not line.strip():
        return None, []
    where = f"第{number}行"
    try:
        data, twice = jsonparse.loads(line)
    except json.JSONDecodeError as error:
        return None, [Problem(rel, where, "", jsonparse.syntax_message(error), number)]
    except RecursionError:
        return None, [Problem(rel, where, "", "JSON 嵌套层数太多，无法读取", number)]
    if jsonparse.lone_surrogate(line, data):
        return None, [Problem(rel, where, "", _SURROGATE, number)]
    unit, problems = read_unit(data, rel, number, sharing)
    if twice:
        record = problems[0].record if problems else (unit.fixed_source_code if unit else where)
        problems = [
            Problem(rel, record, p + k, _TWICE.format(k), number) for p, k in twice
        ] + problems
    return (None if problems else unit), problems


_SURROGATE = "文字中有无效的 \\u 转义（单独的 UTF-16 代理码，如 \\ud800），不是有效的字符"
_TWICE = "字段 {} 在同一个对象中出现了两次，后一个会悄悄覆盖前一个；请合并成一个或删去多余的一个"


#: Unit readers by file suffix (Pelican style): add a format by adding a reader here (the
#: scan of units/ then reads its files, see scan.UNIT_SUFFIXES).
UNIT_READERS = {".yaml": read_yaml_units, ".yml": read_yaml_units, ".jsonl": read_jsonl_units}


def read_page(path: Path, rel: str) -> Result:
    """A Markdown page with YAML front matter (title, summary, order); slug from the file name."""
    slug = path.stem
    r = RecordReader(rel, slug)
    text, problems = source.read_text(path, rel)
    if text is None:
        return [], problems
    match = _FRONT_MATTER.match(text)
    if not match:
        r.fail("", "页面开头应有 --- 包围的信息头（title、summary、order）")
        return [], r.problems
    meta, problems, parsed = yaml_data(match.group(1), rel, offset=1)
    r.problems += [replace(p, record=slug, message="信息头 " + p.message) for p in problems]
    if not parsed:
        return [], r.problems
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        r.fail("", "信息头应为键值对（title: 标题）")
        return [], r.problems
    if not _SLUG.match(slug):
        r.fail("", "文件名只能用小写英文字母、数字和连字符，如 how-to-read.md")
    r.unknown_keys(meta, PAGE_KEYS)
    if unknown := placeholders.unknown_names(text[match.end() :]):
        r.fail("", placeholders.problem_message(unknown))
    order = r.number(meta, "order")
    if order is not None and not order.is_integer():
        r.fail("order", f"排列顺序应为整数，如 10，实为 {order:g}")
        order = None
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
    if data is None and problems:
        return [], problems
    if not isinstance(data, list):
        return [], [*problems, Problem(rel, "", "", "应为执法机构列表（每项以 - 开头）")]
    problems = [_of_body(p, data) for p in problems]
    bodies: list[EnforcementBody] = []
    for n, item in enumerate(data, 1):
        body, found = _body(item, rel, n)
        problems.extend(found)
        if body:
            bodies.append(body)
    return bodies, problems


def _of_body(problem: Problem, data: list) -> Problem:
    """A key written twice in body ``[n]`` (field ``[n].key``) as a problem of that body."""
    head, dot, rest = problem.field.partition("].")
    if not (dot and head.startswith("[") and head[1:].isdigit()):
        return problem
    item = data[int(head[1:]) - 1] if 0 < int(head[1:]) <= len(data) else None
    ident = item.get("id") if isinstance(item, dict) else None
    record = ident if isinstance(ident, str) else f"第{head[1:]}项"
    return replace(problem, record=record)


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
        email=_email(r, r.text(item, "email", required=False)),
        phone=r.text(item, "phone", required=False),
        parent=r.text(item, "parent", required=False) or None,
    )
    return (None if _structural(r.problems) else body), r.problems


#: Fields of a body that place it in the tree and decide what it covers.
_PLACING = ("id", "level", "parent", "areas")


def _structural(problems: list[Problem]) -> bool:
    """True when a body's problems are in its place in the tree, so it is left out of the
    tree checks; a wrong e-mail, phone or name keeps it in, so its counties are not also
    reported as covered by no body (the build stops for the problem all the same)."""
    return any(p.field.split("[")[0].split(".")[0] in _PLACING or not p.field for p in problems)


def _email(r: RecordReader, text: str) -> str:
    """A body's e-mail address as written; reports are mailed there, so a wrong one is refused."""
    if not text:
        return text
    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        r.fail("email", f"电子邮箱地址无效：{text}（{exc}）；举报会发到这个地址，请核对")
    return text


def read_site_settings(path: Path, rel: str) -> tuple[dict[str, str], list[Problem]]:
    """``site.yaml``: title, province code and issuer line of the whole site."""
    data, problems = load_yaml(path, rel)
    if data is None and problems:
        return {}, problems
    if not isinstance(data, dict):
        return {}, [*problems, Problem(rel, "", "", "应为键值对（title: ...）")]
    problems = [replace(p, record="site") for p in problems]
    r = RecordReader(rel, "site")
    r.unknown_keys(data, SITE_KEYS)
    values = {
        "title": r.text(data, "title"),
        "province": r.text(data, "province"),
        "issuer": r.text(data, "issuer", required=False),
    }
    return values, problems + r.problems


def read_stats(path: Path, rel: str) -> tuple[dict, list[Problem]]:
    """Public report statistics JSON written by the feedback service."""
    text, problems = source.read_text(path, rel)
    if text is None:
        return {}, problems
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        return {}, [Problem(rel, "", "", f"统计文件不是有效的 JSON：{error}")]
    if not isinstance(data, dict):
        return {}, [Problem(rel, "", "", "统计文件应为 JSON 对象")]
    return data, []
