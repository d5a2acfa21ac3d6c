"""Write a unit record back into a content copy, as YAML or as a JSON Lines export, and read
every problem of that content (reading and validation) on a fixed day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from generator.content.codes import make_uscc
from generator.content.readers import read_content
from generator.content.validate import validate

from .jsonl import jsonable

#: The day the checks run on (after the fixture's as-of date, so dates are never "in the future").
TODAY = dt.date(2026, 12, 1)


def write(content: Path, code: str, data: dict, as_jsonl: bool) -> str:
    """Write a unit record back, as its YAML file or as line 1 of a JSON Lines file."""
    path = content / "units" / f"{code}.yaml"
    if not as_jsonl:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return f"units/{code}.yaml"
    path.unlink()
    line = json.dumps(jsonable(data), ensure_ascii=False)
    (content / "units" / "export.jsonl").write_text(line + "\n", encoding="utf-8")
    return "units/export.jsonl"


def problems_of(content: Path) -> list:
    """Every problem of the content: reading, then validation."""
    site, problems = read_content(content)
    return problems + validate(site, today=TODAY)


def copy_unit(content: Path, code: str, serial: str, mark: str = "二") -> str:
    """A new unit: ``code``'s record under a new valid code (``serial`` makes its USCC), named
    "…<mark>厂"; returns the new code."""
    record = yaml.safe_load((content / "units" / f"{code}.yaml").read_text(encoding="utf-8"))
    uscc = make_uscc(record["uscc"][:8] + serial)
    new = uscc + record["fixed_source_code"][18:]
    record.update(fixed_source_code=new, uscc=uscc, name=record["name"] + mark + "厂")
    record["permit"]["number"] = new
    for penalty in record.get("penalties", []):
        penalty["decision_number"] += "-" + serial[-1]
    text = yaml.safe_dump(record, allow_unicode=True)
    (content / "units" / f"{new}.yaml").write_text(text, encoding="utf-8")
    return new
