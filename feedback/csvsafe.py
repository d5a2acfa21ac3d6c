"""CSV for people to open in spreadsheets: no cell is ever taken for a formula (OWASP)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from generator.spreadsheet import neutralise, neutralise_row

__all__ = ["neutralise", "spreadsheet_csv"]


def spreadsheet_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """UTF-8 CSV with a BOM, every field quoted and every text cell neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return out.getvalue()
