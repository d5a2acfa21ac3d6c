"""Whole-model checks of ``bodies.yaml``: who handles reports where (属地管理、分级负责).

Reports are routed to the body whose ``areas`` list a unit's county (see feedback/directory.py),
so every check here guards a report against going to the wrong office or to none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from generator.content.codes import body_id_problem
from generator.content.model import Division, EnforcementBody, Unit
from generator.content.problems import Problem
from generator.content.validate_places import place_problem

BODIES_FILE = "bodies.yaml"
LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级"}


def check_bodies(
    bodies: tuple[EnforcementBody, ...], divisions: dict[str, Division], problems: list[Problem]
) -> None:
    """Enforcement bodies: unique ids, known parents without loops, areas once and in place."""
    by_id: dict[str, EnforcementBody] = {}
    for body in bodies:
        by_id.setdefault(body.id, body)
    ids = Counter(b.id for b in bodies)
    for body in bodies:
        fail = _failer(body, problems)
        problem = body_id_problem(body.id)
        if problem:
            fail("id", problem)
        if ids[body.id] > 1:
            fail("id", f"执法机构编号 {body.id} 重复")
        if body.parent and body.parent not in ids:
            fail("parent", f"上级机构 {body.parent} 不存在（parent 应为另一机构的 id）")
        elif not body.parent and body.level != "province":
            fail("parent", f"{LEVEL_LABELS.get(body.level, '')}机构必须填写上级机构 parent")
        _check_areas(body, divisions, by_id, fail)
    _check_cycles(bodies, by_id, problems)
    _check_covered_once(bodies, divisions, problems)


def _failer(body: EnforcementBody, problems: list[Problem]):
    def fail(field: str, message: str) -> None:
        problems.append(Problem(BODIES_FILE, body.id, field, message))

    return fail


def _check_areas(
    body: EnforcementBody, divisions: dict[str, Division], by_id: dict[str, EnforcementBody], fail
) -> None:
    """Each area is a known division of the body's own level, inside its parent's areas."""
    parent = by_id.get(body.parent) if body.parent else None
    for area in body.areas:
        where = f"areas[{area}]"
        problem = place_problem(area, divisions, "")
        division = divisions.get(area)
        if problem or division is None:
            fail(where, problem or f"“{area}” 不是已知的行政区划代码（GB/T 2260）")
            continue
        if body.level in LEVEL_LABELS and division.level != body.level:
            fail(
                where,
                f"{division.name}（{area}）是{LEVEL_LABELS[division.level]}区划，"
                f"不能由{LEVEL_LABELS[body.level]}机构管辖；请放到对应级别的机构下",
            )
        elif parent is not None and division.parent and division.parent not in parent.areas:
            above = divisions.get(division.parent)
            fail(
                "parent",
                f"{division.name}（{area}）属于{above.name if above else division.parent}"
                f"（{division.parent}），但上级机构 {parent.id}（{parent.name}）不管辖该区划；"
                f"上级应为管辖 {division.parent} 的机构",
            )


def _check_cycles(
    bodies: tuple[EnforcementBody, ...], by_id: dict[str, EnforcementBody], problems: list[Problem]
) -> None:
    """A parent chain that comes back to a body it passed is reported once, on its first body."""
    reported: set[str] = set()
    for body in bodies:
        chain: list[str] = []
        current: EnforcementBody | None = body
        while current is not None and current.id not in chain:
            chain.append(current.id)
            current = by_id.get(current.parent) if current.parent else None
        if current is None:
            continue
        loop = chain[chain.index(current.id) :]
        if reported.isdisjoint(loop):
            reported.update(loop)
            first = next(b for b in bodies if b.id in loop)
            start = loop.index(first.id)
            shown = " → ".join(loop[start:] + loop[:start] + [first.id])
            problems.append(
                Problem(
                    BODIES_FILE,
                    first.id,
                    "parent",
                    f"上级机构形成循环：{shown}；最上级应为省级机构",
                )
            )


def _check_covered_once(
    bodies: tuple[EnforcementBody, ...], divisions: dict[str, Division], problems: list[Problem]
) -> None:
    """A division listed by two bodies would send its reports to whichever comes first."""
    first: dict[str, EnforcementBody] = {}
    for body in bodies:
        for area in dict.fromkeys(body.areas):
            owner = first.setdefault(area, body)
            if owner is not body:
                name = divisions[area].name if area in divisions else area
                problems.append(
                    Problem(
                        BODIES_FILE,
                        body.id,
                        f"areas[{area}]",
                        f"{name}（{area}）已由 {owner.id}（{owner.name}）管辖；"
                        "一个区划只能由一个机构管辖，否则举报会转到错误的机构",
                    )
                )
        for area, count in Counter(body.areas).items():
            if count > 1:
                _failer(body, problems)(f"areas[{area}]", f"区划 {area} 在本机构列了 {count} 次")


def check_coverage(
    units: Iterable[Unit],
    bodies: tuple[EnforcementBody, ...],
    divisions: dict[str, Division],
    problems: list[Problem],
) -> None:
    """Every unit's county is listed by a body, so its reports reach the local office.

    Skipped when the content has no bodies at all (a folder of units checked alone).
    """
    if not bodies:
        return
    covered = {area for b in bodies for area in b.areas}
    for unit in units:
        county = unit.county_code
        if county in covered or county not in divisions:
            continue
        file, _, line = unit.source.partition(":")
        problems.append(
            Problem(
                file or "?",
                unit.fixed_source_code,
                "county",
                f"没有执法机构管辖{divisions[county].name}（{county}）：请在 {BODIES_FILE} 中"
                f"为该区县设立县级机构（areas 含 {county}），否则举报无法转到属地执法机构",
                int(line) if line.isdigit() else None,
            )
        )
