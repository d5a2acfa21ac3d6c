"""A substantiated citizen report that orders rectification opens a ledger item (source report).

Its answer, verification and closing follow the case's (``mirror``): the enterprise answers
and the officer verifies on the case, once. The public wording is the officer's: the finding, the officer's conclusion and the requirement,
with any personal data masked (the reporter's own name and phone too). The citizen's
description and place never reach the item.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedback.extensions import db
from feedback.ledger import service
from feedback.ledger.models import LedgerItem
from feedback.ledger.states import can
from feedback.models import Account, Attachment, Report
from feedback.pii import mask
from feedback.states import FINDINGS


def report_ref(report: Report) -> str:
    """The source reference of a report's rectification order (one per conclusion)."""
    return f"{report.id}:{report.reopened_count}"


def title_of(report: Report) -> str:
    """What was found, in the officer's words: category, finding, the conclusion."""
    finding = FINDINGS.get(report.finding, "属实")
    title = f"群众举报的{report.category}问题经查{finding}"
    conclusion = mask(report.action_taken.strip(), report.identity)
    return f"{title}：{conclusion}" if conclusion else title


def open_for_report(report: Report, account: Account) -> LedgerItem:
    """The ledger item of the report's rectification order (LedgerError when refused)."""
    assert report.rectification_due is not None and report.unit_code
    return service.open_item(
        unit_code=report.unit_code,
        source="report",
        source_ref=report_ref(report),
        title=title_of(report),
        action=mask(report.rectification_requirement, report.identity),
        due_on=report.rectification_due,
        body_id=report.body_id,
        actor=account,
    )


def item_of(report: Report) -> LedgerItem | None:
    """The ledger item of the report's current rectification order, if any."""
    return service.find("report", report_ref(report))


def mirror(
    report: Report,
    account: Account,
    action: str,
    text: str = "",
    files: Sequence[Attachment] = (),
) -> None:
    """Carry a step of the report's rectification (the enterprise's answer, the officer's
    verification, send-back, closing) to its ledger item, when the item's state allows it:
    a report's problem is answered and verified once, on the case (LedgerError if refused)."""
    item = item_of(report)
    if item is None or not can(action, item.state):
        return
    text = mask(text, report.identity)  # the case keeps the original; the ledger is shown wider
    if action == "answer":
        service.answer(item, account, text, files)
    elif action == "verify":
        service.verify(item, account, text)
    elif action == "send_back":
        service.send_back(item, account, text)
    elif action == "close":
        service.close(item, account, text)


def report_of(item: LedgerItem) -> Report | None:
    """The report a report item came from (None for the other sources)."""
    if item.source != "report":
        return None
    report_id = item.source_ref.split(":", 1)[0]
    return db.session.get(Report, int(report_id)) if report_id.isdigit() else None
