"""How a value is written in a CSV cell and a JSON Lines row of the open data files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from generator.content.serialize import plain

#: Values that are already plain (exact types: a bool is not passed through plain()).
_SCALARS = frozenset((str, int, float, bool, type(None)))
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def plain_value(value: Any) -> Any:
    """A JSON-ready value; dates as YYYY-MM-DD."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    return value.isoformat() if kind is dt.date else plain(value)


def csv_cell(value: Any) -> str:
    """A CSV cell of a plain value (see cell)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def cell(value: Any) -> str:
    """A CSV cell: empty for none, true/false, whole numbers without '.0'."""
    return csv_cell(plain_value(value))


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text, lines ended by CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


#: Values csv.writer already writes as cell() does (None as empty, a date as YYYY-MM-DD).
CSV_AS_IS = frozenset((str, int, type(None), dt.date))


def _json_default(value: Any) -> Any:
    return value.isoformat() if type(value) is dt.date else plain(value)


#: One JSON object per call, C encoder, same output as _JSON with dates as ISO strings.
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
encode_row = (
    _C_ENCODER(
        None, _json_default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if _C_ENCODER is not None
    else lambda row, level: (_JSON.encode({k: plain_value(v) for k, v in row.items()}),)
)
