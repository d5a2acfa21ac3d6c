"""Each problem an inspection found becomes a ledger item (挂单), in the submit's transaction.

立整立改: the item is opened closed, with what was done and the evidence photos; 限期整改: it
is opened with the required action and the deadline. The reference is
``<inspection id>:<item code>``, so submitting again never opens a second item. The public
wording (title, action) is the officer's, with the names of whoever was present and any phone,
e-mail or ID number masked; who inspected and who was present stay in the internal note.
"""

from __future__ import annotations

import re

from feedback.directory import Directory
from feedback.inspections.form import names
from feedback.inspections.models import ON_THE_SPOT, Inspection, InspectionAnswer
from feedback.ledger.models import LedgerItem
from feedback.ledger.service import open_item
from feedback.models import Account, Attachment
from feedback.pii import mask
from generator import clock

SOURCE = "inspection"


def present_names(present: str) -> tuple[str, ...]:
    """The names of who was present, without the roles written after them: 赵明（厂长） -> 赵明."""
    found = []
    for entry in names(present):
        name = re.sub(r"[（(][^）)]*[）)]?", " ", entry).split()
        found += [n for n in name if len(n) >= 2]
    return tuple(found)


def source_ref(inspection: Inspection, answer: InspectionAnswer) -> str:
    """The ledger reference of one item's problem."""
    return f"{inspection.id}:{answer.item}"


def _evidence(answer: InspectionAnswer) -> list[Attachment]:
    """The evidence photos as attachments of the same stored copies (no second upload)."""
    return [
        Attachment(
            original_key=p.original_key,
            public_key=p.public_key,
            content_type=p.content_type,
            size=p.size,
            filename=p.filename,
        )
        for p in answer.photos
        if p.kind == "evidence"
    ]


def open_items(inspection: Inspection, account: Account, directory: Directory) -> list[LedgerItem]:
    """Open (or find) the ledger item of every problem; LedgerError, writing nothing, if refused."""
    known = present_names(inspection.present)
    found_on = clock.china_today(inspection.started_at)
    items = []
    for answer in inspection.problems:
        spot = answer.resolution == ON_THE_SPOT
        items.append(
            open_item(
                unit_code=inspection.unit_code,
                source=SOURCE,
                source_ref=source_ref(inspection, answer),
                title=mask(f"{answer.title}：{answer.notes}", known),
                action=mask(f"现场已整改：{answer.evidence}" if spot else answer.action, known),
                due_on=None if spot else answer.due,
                body_id=inspection.body_id,
                actor=account,
                detail=f"现场检查 {inspection.id}；执法人员：{'、'.join(names(inspection.officers))}",
                fixed_evidence=_evidence(answer) if spot else None,
                found_on=found_on,
                directory=directory,
            )
        )
    return items
