"""CSV for people to open in spreadsheets: no cell is ever taken for a formula (OWASP).

On top of ``generator.spreadsheet.neutralise`` (which skips the blanks spreadsheets skip), a
formula sign behind any other Unicode blank or invisible format character (en quad, zero-width
space, BOM, bidi marks) is neutralised too: some importers trim them, and an officer cannot see
them in a citizen's text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from typing import Any

from generator.spreadsheet import NUMBER, TRIGGERS
from generator.spreadsheet import neutralise as _neutralise_visible

__all__ = ["neutralise", "spreadsheet_csv"]


def _hidden(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet could run as a formula, prefixed with a single quote."""
    value = _neutralise_visible(value)
    if not isinstance(value, str) or not value or NUMBER.fullmatch(value):
        return value
    first = next((c for c in value if not _hidden(c)), "")
    if first in TRIGGERS and not value.startswith("'"):
        return "'" + value
    return value


def spreadsheet_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """UTF-8 CSV with a BOM, every field quoted and every text cell neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
