"""The ledger export the build reads (fixed format, docs/ledger.md "The export to the build").

UTF-8 JSON, keys sorted, indent 1: every item of every state, sorted by (unit_code, found_on,
id), with only the public fields. No personal data can reach it: the fields are a fixed list
of officer-written or derived values (no names, phones, e-mails, citizens' text, photos,
report tracking numbers, internal notes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from feedback.extensions import db
from feedback.ledger.models import LedgerItem

COLUMNS = (
    LedgerItem.number,
    LedgerItem.unit_code,
    LedgerItem.outlet,
    LedgerItem.source,
    LedgerItem.found_on,
    LedgerItem.title,
    LedgerItem.action,
    LedgerItem.due_on,
    LedgerItem.state,
    LedgerItem.closed_on,
    LedgerItem.body_id,
)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(today: dt.date) -> dict[str, Any]:
    """The export's content as of ``today`` (China time)."""
    items = [
        {
            "id": number,
            "unit_code": unit,
            "outlet": outlet,
            "source": source,
            "found_on": found.isoformat(),
            "title": title,
            "action": action,
            "due_on": _day(due),
            "state": state,
            "closed_on": _day(closed),
            "body": body,
        }
        for number, unit, outlet, source, found, title, action, due, state, closed, body in (
            db.session.execute(select(*COLUMNS))
        )
    ]
    items.sort(key=lambda i: (i["unit_code"], i["found_on"], i["id"]))
    return {"as_of": today.isoformat(), "items": items}


def dumps(data: dict[str, Any]) -> str:
    """The file's text: the same data always gives the same text."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write(path: Path, today: dt.date, monthly: list[dict[str, Any]] | None = None) -> int:
    """Write the export atomically (a temporary file beside it, then a rename); item count.

    ``monthly``: the bodies' public monthly figures (``feedback.inspections.public_monthly``),
    written under ``"monthly"`` when given.
    """
    data = export_data(today)
    if monthly is not None:
        data["monthly"] = monthly
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(dumps(data))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return len(data["items"])
