"""A substantiated citizen report that orders rectification opens a ledger item (source report).

The public wording is the officer's: the finding, the officer's conclusion and the requirement,
with any personal data masked (the reporter's own name and phone too). The citizen's
description and place never reach the item.
"""

from __future__ import annotations

from feedback.ledger import service
from feedback.ledger.models import LedgerItem
from feedback.models import Account, Report
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
