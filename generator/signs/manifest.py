"""The print order: one CSV row per sign (UTF-8 with BOM so spreadsheet programs read Chinese)."""

from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from generator.signs.layout import Sign
from generator.signs.pieces import KIND_LABELS
from generator.spreadsheet import neutralise_row


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One sign in the print order; file paths are relative to the output folder."""

    city: str
    unit: str
    unit_name: str
    outlet: str
    kind: str
    pdf: str
    svg: str
    size_mm: str
    bleed_mm: str
    page_mm: str
    url: str
    qr_version: int
    qr_error: str
    module_mm: str
    min_text_mm: str
    lookup_address: str
    lookup_code: str
    sign_id: str
    printed: str


def row_for(sign: Sign, city: str, unit_name: str, pdf: str, svg: str) -> ManifestRow:
    """The manifest row of ``sign`` written to ``pdf`` and ``svg``."""
    pw, ph = sign.page_size
    return ManifestRow(
        city,
        sign.unit_code,
        unit_name,
        sign.outlet_code,
        KIND_LABELS[sign.kind],
        pdf,
        svg,
        f"{sign.width:g}x{sign.height:g}",
        f"{sign.bleed:g}",
        f"{pw:g}x{ph:g}",
        sign.url,
        sign.qr.version,
        sign.qr.error,
        f"{sign.qr.module_mm:.2f}",
        f"{sign.min_text_mm:.1f}",
        sign.lookup_address,
        sign.lookup_code,
        sign.sign_id,
        f"{sign.printed:%Y-%m-%d}" if sign.printed else "",
    )


def write_manifest(rows: list[ManifestRow], path: Path) -> None:
    """Write ``rows`` as CSV with a header, UTF-8 with BOM and CRLF line ends, no formula cells."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields(ManifestRow)])
        writer.writerows(neutralise_row(astuple(r)) for r in rows)
