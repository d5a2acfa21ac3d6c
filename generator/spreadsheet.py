"""CSV cells for people who open files in spreadsheets: no cell is run as a formula (OWASP).

A text cell beginning with ``=``, ``+``, ``-``, ``@``, tab, CR or LF (also after blanks, and the
full-width ＝＋－＠) gets a leading single quote. Plain numbers such as ``-5`` or ``+1.5e3``
stay as they are. Used by the unit pages' data.csv, the sign manifest and the feedback
service's exports; the open data tables keep true values (docs/open-data.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: A cell starting with one of these (after blanks) is a formula to Excel, WPS or LibreOffice.
TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
#: Blanks a spreadsheet skips before it looks for a formula sign.
BLANKS = " \u3000\u00a0"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with a single quote."""
    if not isinstance(value, str) or not value or NUMBER.fullmatch(value):
        return value
    stripped = value.lstrip(BLANKS)
    if value[0] in TRIGGERS or (stripped and stripped[0] in TRIGGERS):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of ``row`` neutralised."""
    return [neutralise(cell) for cell in row]
