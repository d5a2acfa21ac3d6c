"""E-mails to a unit's enterprise account about its ledger items, through the mail outbox
(committed with the step that queues them): when an item is opened, and when the officer
sends an answer back.

A report's item is left out: the case mails the enterprise itself at the order and at a
send-back (one mail, not two). Items opened for one enterprise in one transaction (the
problems of one inspection, a day's warnings, an import) go out as one mail that lists them
all, not one mail per item. Only the item's public wording goes into a mail (what was
found, the required action, the deadline, the officer's reason for sending back): never the
officer's internal notes nor anything of a reporter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from feedback.cases import mark_mail_queued
from feedback.extensions import db
from feedback.ledger.models import LedgerItem
from feedback.ledger.states import SOURCES
from feedback.mail import queue_mail
from feedback.models import OutboxMail
from feedback.pii import mask
from feedback.services.accounts import enterprise_of

#: Sources whose items are mailed about by the ledger (a report's case mails by itself).
MAILED_SOURCES = frozenset(SOURCES) - {"report"}
#: Where the session keeps the "opened" mail of each address in the running transaction.
_PENDING = "yimatong_ledger_opened"


@dataclass
class _Opened:
    """The one "opened" mail of an address in a transaction, and the items it lists."""

    transaction: object
    mail: OutboxMail
    items: list[LedgerItem] = field(default_factory=list)


def item_url(item: LedgerItem) -> str:
    """The enterprise's page of the item on the service."""
    return current_app.config["FEEDBACK_URL"].rstrip("/") + f"/enterprise/ledger/{item.number}"


def _address(item: LedgerItem) -> str:
    """The enterprise account's address for mails about ``item``, or "" for none."""
    if item.source not in MAILED_SOURCES:
        return ""
    account = enterprise_of(item.unit_code)
    if account is None or not account.active or not account.email:
        return ""
    return account.email


def _send(
    item: LedgerItem, subject: str, lines: list[str], address: str | None = None
) -> OutboxMail | None:
    """Queue a mail about ``item`` to ``address`` (else its enterprise's, looked up here)."""
    address = _address(item) if address is None else address
    if not address:
        return None
    text = "\n".join([*lines, "", f"请登录查看并在线反馈整改情况：{item_url(item)}", ""])
    mail = queue_mail(address, subject, text)
    mark_mail_queued()
    return mail


def _facts(item: LedgerItem) -> list[str]:
    where = f"（排放口 {item.outlet}）" if item.outlet else ""
    lines = [
        f"问题编号：{item.number}",
        f"来源：{SOURCES[item.source]}",
        f"发现问题：{item.title}{where}",
    ]
    if item.action:
        lines.append(f"整改要求：{item.action}")
    return lines


def _opened_lines(item: LedgerItem) -> tuple[str, list[str]]:
    """The subject and the lines of a mail about one item opened."""
    if item.due_on is None:
        subject = f"问题台账：{item.number} 已当场整改并销号"
        head = f"贵单位（{item.unit_code}）{item.found_on} 发现的问题已当场整改，并已销号。"
        return subject, [head, "", *_facts(item)]
    subject = f"问题台账：{item.number} 请于 {item.due_on} 前整改并反馈"
    head = f"贵单位（{item.unit_code}）有一项问题登记在问题台账，请于 {item.due_on} 前整改。"
    return subject, [head, "", *_facts(item), f"整改期限：{item.due_on}"]


def _listed(items: list[LedgerItem]) -> tuple[str, str]:
    """The subject and body of one mail about several items opened together."""
    due = sorted(i.due_on for i in items if i.due_on is not None)
    units = "、".join(dict.fromkeys(i.unit_code for i in items))
    if due:
        subject = f"问题台账：{len(items)} 项问题，最早请于 {due[0]} 前整改并反馈"
    else:
        subject = f"问题台账：{len(items)} 项问题已当场整改并销号"
    lines = [f"贵单位（{units}）有 {len(items)} 项问题登记在问题台账：", ""]
    for n, item in enumerate(items, 1):
        state = f"整改期限：{item.due_on}" if item.due_on else "已当场整改并销号"
        lines += [f"{n}. {item.title}", *("   " + line for line in _facts(item)), f"   {state}"]
        lines += [f"   请登录查看并在线反馈整改情况：{item_url(item)}", ""]
    return subject, "\n".join(lines)


def opened(item: LedgerItem) -> OutboxMail | None:
    """Tell the enterprise a problem of its unit is in the ledger (with its deadline); a
    second item for the same address in the same transaction joins the first one's mail."""
    address = _address(item)
    if not address:
        return None
    pending: dict[str, _Opened] = db.session.info.setdefault(_PENDING, {})
    transaction = db.session().get_transaction()
    kept = pending.get(address)
    if kept is not None and kept.transaction is transaction and transaction is not None:
        kept.items.append(item)
        kept.mail.subject, kept.mail.body = _listed(kept.items)
        return kept.mail
    subject, lines = _opened_lines(item)
    mail = _send(item, subject, lines, address)
    if mail is not None:
        pending[address] = _Opened(transaction, mail, [item])
    return mail


def sent_back(item: LedgerItem, reason: str) -> OutboxMail | None:
    """Tell the enterprise its answer was sent back, with the officer's reason."""
    subject = f"问题台账：{item.number} 的整改反馈被退回"
    head = f"贵单位对问题 {item.number} 的整改反馈已被退回，请按意见整改后重新提交。"
    lines = [head, f"退回原因：{mask(reason.strip())}", "", *_facts(item)]
    if item.due_on is not None:
        lines.append(f"整改期限：{item.due_on}")
    return _send(item, subject, lines)
