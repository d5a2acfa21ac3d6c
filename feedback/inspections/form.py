"""The inspection form without JavaScript: read a post, check it, every message in Chinese.

Field names: ``officers``, ``present``, ``outlets`` (checkboxes), ``started_at``,
``ended_at`` (``YYYY-MM-DDTHH:MM`` China time, as a phone's datetime-local input sends),
``facts``, ``basis``, ``reasoning``, and per checklist item ``<code>-answer``,
``<code>-notes``, ``<code>-resolution``, ``<code>-evidence``, ``<code>-action``,
``<code>-due``, ``<code>-photos`` and ``<code>-evidence_photos`` (files). Messages are keyed
by the same names, so each appears beside its field and in the summary at the top.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from feedback.inspections.models import (
    ANSWERS,
    DEADLINE,
    ON_THE_SPOT,
    PROBLEM,
    RESOLUTIONS,
    Inspection,
)
from feedback.plaintext import without_controls
from generator import clock

MAX_TEXT = 4000
MAX_SHORT = 500
NAMES = re.compile(r"[\n\r,，、;；]+")
TEXTS = {
    "officers": ("执法人员", MAX_SHORT),
    "present": ("企业在场人员", MAX_SHORT),
    "facts": ("检查发现的事实", MAX_TEXT),
    "basis": ("许可证要求或法律依据", MAX_TEXT),
    "reasoning": ("说理（事实与依据如何得出结论）", MAX_TEXT),
}
ITEM_TEXTS = {
    "notes": ("情况记录", MAX_TEXT),
    "evidence": ("现场整改情况", MAX_TEXT),
    "action": ("整改要求", MAX_TEXT),
}


@dataclass
class AnswerInput:
    """What was posted for one checklist item."""

    item: str
    answer: str = ""
    notes: str = ""
    resolution: str = ""
    evidence: str = ""
    action: str = ""
    due: str = ""


@dataclass
class InspectionInput:
    """What was posted for the whole inspection, as typed."""

    officers: str = ""
    present: str = ""
    outlets: list[str] = field(default_factory=list)
    started_at: str = ""
    ended_at: str = ""
    facts: str = ""
    basis: str = ""
    reasoning: str = ""
    answers: dict[str, AnswerInput] = field(default_factory=dict)

    def officer_names(self) -> list[str]:
        """The officers' names, one each."""
        return names(self.officers)

    def has_problem(self) -> bool:
        """Whether any item was answered as a problem."""
        return any(a.answer == PROBLEM for a in self.answers.values())


def names(value: str) -> list[str]:
    """Names written one a line or separated by commas or 、."""
    return [n.strip() for n in NAMES.split(value or "") if n.strip()]


def _text(form: Mapping[str, str], name: str) -> str:
    """A field as typed, without control characters (a NUL would make PostgreSQL refuse it)."""
    return without_controls(form.get(name) or "").replace("\r\n", "\n").strip()


def read(form: Mapping[str, str], outlets: Sequence[str], items: Sequence[str]) -> InspectionInput:
    """The post's values; ``outlets`` are the ticked boxes (a multi-value field)."""
    data = InspectionInput(outlets=[without_controls(o).strip() for o in outlets if o.strip()])
    for name in (*TEXTS, "started_at", "ended_at"):
        setattr(data, name, _text(form, name))
    for item in items:
        values = {
            k: _text(form, f"{item}-{k}") for k in (*ITEM_TEXTS, "answer", "resolution", "due")
        }
        data.answers[item] = AnswerInput(item, **values)
    return data


def parse_time(value: str) -> dt.datetime | None:
    """A datetime-local value in China time as naive UTC; None if it is not one."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.CHINA)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def parse_date(value: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _lengths(data: InspectionInput) -> dict[str, list[str]]:
    """Texts longer than allowed: refused even in a draft, which would otherwise cut them."""
    errors: dict[str, list[str]] = {}
    for name, (label, most) in TEXTS.items():
        if len(getattr(data, name)) > most:
            errors[name] = [f"{label}最多 {most} 个字，现在有 {len(getattr(data, name))} 个字。"]
    for answer in data.answers.values():
        for key, (label, most) in ITEM_TEXTS.items():
            if len(getattr(answer, key)) > most:
                errors[f"{answer.item}-{key}"] = [f"{label}最多 {most} 个字。"]
    return errors


def draft_problems(data: InspectionInput, outlets: Sequence[str]) -> dict[str, list[str]]:
    """What even a draft cannot keep: too long texts, unknown choices, unreadable times."""
    errors = _lengths(data)
    unknown = [o for o in data.outlets if o not in outlets]
    if unknown:
        errors["outlets"] = [f"排放口 {'、'.join(unknown)} 不属于该单位，请从列表中勾选。"]
    for name, label in (("started_at", "开始时间"), ("ended_at", "结束时间")):
        value = getattr(data, name)
        if value and parse_time(value) is None:
            errors[name] = [f"{label}“{value}”不是有效的时间，格式如 2026-12-01T09:30。"]
    for a in data.answers.values():
        if a.answer and a.answer not in ANSWERS:
            errors[f"{a.item}-answer"] = ["请从“符合、存在问题、不适用”中选择。"]
        if a.resolution and a.resolution not in RESOLUTIONS:
            errors[f"{a.item}-resolution"] = ["请选择“立整立改”或“限期整改”。"]
        if a.due and parse_date(a.due) is None:
            errors[f"{a.item}-due"] = [f"整改期限“{a.due}”不是有效的日期，格式如 2026-12-31。"]
    return errors


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _times(data: InspectionInput, errors: dict[str, list[str]]) -> None:
    started, ended = parse_time(data.started_at), parse_time(data.ended_at)
    if not data.started_at:
        _add(errors, "started_at", "请填写检查开始时间。")
    if not data.ended_at:
        _add(errors, "ended_at", "请填写检查结束时间。")
    if started and ended and ended <= started:
        _add(errors, "ended_at", f"结束时间 {data.ended_at} 应晚于开始时间 {data.started_at}。")
    if started and started > clock.utcnow():
        _add(errors, "started_at", f"开始时间 {data.started_at} 还没有到，请填写实际开始的时间。")


def _answer(a: AnswerInput, title: str, today: dt.date, errors: dict[str, list[str]]) -> None:
    """The rules of one item: answered; a problem described and rectified on the spot or by a date."""
    if not a.answer:
        _add(errors, f"{a.item}-answer", f"请选择“{title}”的检查结果。")
    if a.answer != PROBLEM:
        return
    if not a.notes:
        _add(errors, f"{a.item}-notes", f"“{title}”存在问题：请写明发现的问题。")
    if not a.resolution:
        _add(errors, f"{a.item}-resolution", f"“{title}”存在问题：请选择立整立改或限期整改。")
    if a.resolution == ON_THE_SPOT and not a.evidence:
        _add(errors, f"{a.item}-evidence", f"“{title}”立整立改：请写明现场整改的情况。")
    if a.resolution == DEADLINE:
        if not a.action:
            _add(errors, f"{a.item}-action", f"“{title}”限期整改：请写明整改要求。")
        due = parse_date(a.due)
        if not a.due:
            _add(errors, f"{a.item}-due", f"“{title}”限期整改：请填写整改期限。")
        elif due is not None and due <= today:
            _add(
                errors,
                f"{a.item}-due",
                f"“{title}”的整改期限 {a.due} 不晚于今天（{today.isoformat()}），请填写今后的日期。",
            )


def submit_problems(
    data: InspectionInput, outlets: Sequence[str], titles: Mapping[str, str]
) -> dict[str, list[str]]:
    """Every problem that keeps the inspection from being submitted (a draft keeps it all)."""
    errors = draft_problems(data, outlets)
    if len(data.officer_names()) < 2:
        _add(errors, "officers", "现场检查的执法人员不少于两名，请写明每位执法人员的姓名。")
    if not data.present:
        _add(errors, "present", "请写明企业在场人员（姓名、职务）。")
    if outlets and not data.outlets:
        _add(errors, "outlets", "请勾选检查了哪些排放口。")
    _times(data, errors)
    if not data.facts:
        _add(errors, "facts", "请写明检查发现的事实。")
    if data.has_problem():
        if not data.basis:
            _add(errors, "basis", "发现了问题：请写明违反的许可证要求或法律依据。")
        if not data.reasoning:
            _add(errors, "reasoning", "发现了问题：请写明说理，即事实和依据如何得出结论。")
    today = clock.china_today()
    for item, answer in data.answers.items():
        _answer(answer, titles.get(item, item), today, errors)
    return errors


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(clock.CHINA).strftime("%Y-%m-%dT%H:%M")


def saved(inspection: Inspection) -> InspectionInput:
    """What the draft holds, as the form shows it (times in China time)."""
    data = InspectionInput(
        outlets=[o for o in inspection.outlets.split("\n") if o],
        started_at=_local(inspection.started_at),
        ended_at=_local(inspection.ended_at),
    )
    for name in TEXTS:
        setattr(data, name, getattr(inspection, name))
    for a in inspection.answers:
        data.answers[a.item] = AnswerInput(
            a.item,
            a.answer,
            a.notes,
            a.resolution,
            a.evidence,
            a.action,
            a.due.isoformat() if a.due else "",
        )
    return data
