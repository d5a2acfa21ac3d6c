"""The model's enumerations and their Chinese labels: one table per label.

Every page, sign, feed, search facet and the open data dictionary takes a label from here
(``Enum.label`` or the ``*_LABELS`` table), so changing a badge's text is one edit in this
file. The model (model.py) re-exports the enums.
"""

from __future__ import annotations

from enum import StrEnum

#: Permits whose validity ends within this many days are "expiring soon": the holder must apply
#: to renew 60 days before the end (排污许可管理条例 第十四条), so this is the law's number, not
#: a setting. Pages show it as ``{{ expiring_days }}``.
EXPIRING_DAYS = 60

CATEGORY_LABELS = {"key": "重点管理", "simplified": "简化管理", "registration": "登记管理"}
#: The issuing authority's recorded status, as the data dictionary names it.
PERMIT_STATUS_LABELS = {"valid": "有效", "revoked": "撤销", "cancelled": "注销"}
#: The badge a reader sees (status and dates combined).
PERMIT_STATE_LABELS = {
    "valid": "有效",
    "expiring": "即将到期",
    "expired": "已过期",
    "revoked": "已撤销",
    "cancelled": "已注销",
    "registered": "排污登记",
}
METHOD_LABELS = {"automatic": "自动监测", "manual": "手工监测"}
EXECUTION_LABELS = {"done": "已执行完毕", "in_progress": "执行中", "pending": "未执行"}
RECTIFICATION_LABELS = {"open": "整改中", "closed": "已销号"}
#: Outlet types (``Outlet.type``): main 主要排放口, general 一般排放口 (the default).
OUTLET_TYPE_LABELS = {"main": "主要排放口", "general": "一般排放口"}


class Category(StrEnum):
    """Management category (管理类别)."""

    KEY = "key"
    SIMPLIFIED = "simplified"
    REGISTRATION = "registration"

    @property
    def label(self) -> str:
        """Chinese label shown to readers."""
        return CATEGORY_LABELS[self.value]


class PermitStatus(StrEnum):
    """Status recorded by the issuing authority (labels: PERMIT_STATUS_LABELS)."""

    VALID = "valid"
    REVOKED = "revoked"
    CANCELLED = "cancelled"


class PermitState(StrEnum):
    """What a reader sees on the badge: the recorded status combined with the dates."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    REGISTERED = "registered"

    @property
    def label(self) -> str:
        """Chinese label shown on the badge."""
        return PERMIT_STATE_LABELS[self.value]


class Method(StrEnum):
    """How a pollutant is monitored."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"

    @property
    def label(self) -> str:
        """Chinese label."""
        return METHOD_LABELS[self.value]


class Execution(StrEnum):
    """Execution status of a penalty decision."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"

    @property
    def label(self) -> str:
        """Chinese label."""
        return EXECUTION_LABELS[self.value]


class RectificationStatus(StrEnum):
    """Whether a rectification order is still open."""

    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Chinese label."""
        return RECTIFICATION_LABELS[self.value]
