"""Checks of the directory file's lines, field by field, collecting every problem found."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

#: How each kind of record is named in a message.
KIND_NAMES = {"division": "行政区", "body": "执法机构", "unit": "排污单位"}
HEADER_FIELDS = ("site", "build", "province", "title", "issuer")


class FieldProblems:
    """Reads fields of the records of one file and remembers what is wrong with them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []

    def add(self, line: int, record: str, field: str, message: str) -> None:
        """One problem, located by line, record and field."""
        where = f"第 {line} 行" + (f"（{record}）" if record else "")
        self.found.append(f"{where}字段 {field}：{message}" if field else f"{where}：{message}")

    def raise_if_any(self, error: type[Exception]) -> None:
        """Raise ``error`` listing every problem, when there is any."""
        if self.found:
            lines = "\n".join(f"  - {p}" for p in self.found)
            raise error(f"目录文件 {self.source} 有 {len(self.found)} 处问题：\n{lines}")

    def record(self, line: int, text: str) -> dict[str, Any] | None:
        """The JSON object on a line, or None (and a problem) when it is not one."""
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            self.add(line, "", "", f"不是有效的 JSON（{error.msg}，第 {error.colno} 列）")
            return None
        except RecursionError:
            self.add(line, "", "", "JSON 嵌套过深")
            return None
        if not isinstance(value, dict):
            self.add(line, "", "", "应为一个 JSON 对象")
            return None
        return value

    def header(self, text: str, fmt: str, version: int) -> dict[str, Any] | None:
        """The header line, checked: format, version and the identity fields."""
        header = self.record(1, text) if text else None
        if header is None:
            if not text:
                self.add(1, "", "", "缺少文件头（空文件）")
            return None
        if header.get("format") != fmt:
            self.add(1, "文件头", "format", f"应为 {fmt!r}，实为 {header.get('format')!r}")
            return None
        if header.get("version") != version:
            found = header.get("version")
            self.add(1, "文件头", "version", f"本程序只读第 {version} 版，文件是 {found!r}")
            return None
        for name in HEADER_FIELDS:
            self.text(1, "文件头", header, name, required=False)
        return header

    def pairs(self, header: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        """The header's ``pages``: (title, path) pairs (none when left out)."""
        value = header.get("pages", [])
        good = isinstance(value, list) and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) and t for t in p)
            for p in value
        )
        if not good:
            self.add(1, "文件头", "pages", f"应为 [标题, 地址] 的列表，实为 {value!r}")
            return ()
        return tuple((p[0], p[1]) for p in value)

    def counts(self, header: dict[str, Any], found: dict[str, list]) -> None:
        """The header's record counts against the records read (a cut-off file)."""
        for name, items in found.items():
            if header.get(name) != len(items):
                self.add(1, "文件头", name, f"记录数应为 {header.get(name)!r}，实有 {len(items)}")

    def text(self, line: int, name: str, record: dict, field: str, required: bool = True) -> str:
        """A text field ("" when left out and not required)."""
        value = record.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value):
            self.add(line, name, field, f"应为非空文字，实为 {value!r}")
            return ""
        return value

    def texts(self, line: int, name: str, record: dict, field: str) -> tuple[str, ...]:
        """A list of texts (empty when left out)."""
        value = record.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.add(line, name, field, f"应为文字列表，实为 {value!r}")
            return ()
        return tuple(value)

    def date(self, line: int, name: str, record: dict, field: str) -> dt.date:
        """An ISO date field."""
        value = record.get(field)
        try:
            return dt.date.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.add(line, name, field, f"应为日期（如 2026-01-31），实为 {value!r}")
            return dt.date.min

    def optional_date(self, line: int, name: str, record: dict, field: str) -> dt.date | None:
        """An ISO date field that may be left out or empty (None then)."""
        if record.get(field) in (None, ""):
            return None
        return self.date(line, name, record, field)

    def point(self, line: int, name: str, record: dict) -> tuple[float, float] | None:
        """The optional coordinates [lat, lon] in degrees."""
        value = record.get("coordinates")
        if value is None:
            return None
        numbers = isinstance(value, list) and len(value) == 2
        if numbers and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            lat, lon = float(value[0]), float(value[1])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return (lat, lon)
        self.add(line, name, "coordinates", f"应为 [纬度, 经度]，实为 {value!r}")
        return None

    def _name(self, kind: str, record: dict, key: str) -> str:
        return f"{KIND_NAMES[kind]} {record.get(key, '?')}"

    def division(self, line: int, record: dict, cls: Any) -> Any:
        """A division record as ``cls(code, name, parent)``."""
        name = self._name("division", record, "code")
        parent = self.text(line, name, record, "parent", required=False) or None
        return cls(
            self.text(line, name, record, "code"), self.text(line, name, record, "name"), parent
        )

    def body(self, line: int, record: dict, cls: Any) -> Any:
        """A body record as ``cls(id, name, level, areas, email, phone, parent)``."""
        name = self._name("body", record, "id")
        return cls(
            self.text(line, name, record, "id"),
            self.text(line, name, record, "name"),
            self.text(line, name, record, "level"),
            self.texts(line, name, record, "areas"),
            self.text(line, name, record, "email", required=False),
            self.text(line, name, record, "phone", required=False),
            self.text(line, name, record, "parent", required=False) or None,
        )

    def _rectifications(self, line: int, name: str, record: dict, cls: Any) -> tuple:
        value = record.get("rectifications", [])
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            self.add(line, name, "rectifications", f"应为整改记录的列表，实为 {value!r}")
            return ()
        return tuple(
            cls(
                self.text(line, name, r, "ref", required=False),
                self.date(line, name, r, "issued"),
                self.text(line, name, r, "authority", required=False),
                self.text(line, name, r, "requirement", required=False),
                self.date(line, name, r, "due"),
            )
            for r in value
        )

    def unit(self, line: int, record: dict, cls: Any, rectification: Any) -> Any:
        """A unit record as ``cls(code, name, county, city, outlets, address, open
        rectifications, coordinates, industry, industry name, permit valid until)``."""
        name = self._name("unit", record, "code")
        return cls(
            self.text(line, name, record, "code"),
            self.text(line, name, record, "name"),
            self.text(line, name, record, "county"),
            self.text(line, name, record, "city"),
            self.texts(line, name, record, "outlets"),
            self.text(line, name, record, "address", required=False),
            self._rectifications(line, name, record, rectification),
            self.point(line, name, record),
            self.text(line, name, record, "industry", required=False),
            self.text(line, name, record, "industry_name", required=False),
            self.optional_date(line, name, record, "valid_until"),
        )
