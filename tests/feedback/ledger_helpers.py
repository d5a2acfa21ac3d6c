"""Helpers of the ledger tests: accounts by login, an item opened with defaults, a PNG."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image
from sqlalchemy import select

from feedback.extensions import db
from feedback.ledger import service
from feedback.ledger.models import LedgerItem
from feedback.models import Account

#: The day the ledger tests run as (any day would do: every date below follows from it).
DAY = dt.date(2026, 6, 15)
BINYANG = "91450126MA5L3K2R5Q001P"
LIUCHENG = "91450222MA5N7P3C8N001P"


def account(login: str) -> Account:
    """The fixture account with this login."""
    found = db.session.scalar(select(Account).where(Account.login == login))
    assert found is not None
    return found


def open_one(ref: str = "insp-1", **overrides: object) -> LedgerItem:
    """A Binyang item with a deadline ten days on, opened by the Binyang officer."""
    fields: dict[str, object] = {
        "unit_code": BINYANG,
        "source": "inspection",
        "source_ref": ref,
        "title": "废水排放口标志牌缺失",
        "action": "设置符合 GB 15562.1 的标志牌",
        "due_on": DAY + dt.timedelta(days=10),
        "body_id": "nn-binyang",
        "actor": account("binyang"),
        "outlet": "DW001",
    }
    fields.update(overrides)
    return service.open_item(**fields)  # type: ignore[arg-type]


def png(color: str = "red") -> bytes:
    """A small real PNG."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(out, "PNG")
    return out.getvalue()
