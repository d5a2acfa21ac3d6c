"""Settings a content page may show, written ``{{ accept_days }}`` in its Markdown.

The legal deadlines and the hotline are settings (declared once in ``generator/settings.py``),
the "expiring" window is the law's 60 days (``enums.EXPIRING_DAYS``); a page that retyped them
would go wrong silently when one changes. Pages name them instead, and the site fills them in when it renders the page. An
unknown name is a content problem that names the page, found before any page is written.
"""

from __future__ import annotations

import html
import re
from typing import Any

from generator.content.enums import EXPIRING_DAYS, PERMIT_STATE_LABELS

#: Values that pages may show, by the name a page writes: settings, and the expiring window.
SETTING_VALUES = ("hotline", "accept_days", "conclude_days", "extension_max_days")
#: The permit badges' texts, ``{{ badge_expiring }}``, so a page explaining them follows them.
BADGE_VALUES = {f"badge_{state}": label for state, label in PERMIT_STATE_LABELS.items()}
PAGE_VALUES = (*SETTING_VALUES, "expiring_days", *BADGE_VALUES)

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")


def unknown_names(text: str) -> list[str]:
    """Names in ``text``'s placeholders that are not page values, in order of first use."""
    found = [m.group(1) for m in _PLACEHOLDER.finditer(text)]
    return list(dict.fromkeys(n for n in found if n not in PAGE_VALUES))


def problem_message(names: list[str]) -> str:
    """What a clerk reads about unknown placeholders."""
    shown = "、".join("{{ " + n + " }}" for n in names)
    allowed = "、".join("{{ " + n + " }}" for n in (*SETTING_VALUES, "expiring_days"))
    allowed += "，以及许可证标签 {{ badge_valid }} 等"
    return f"页面里的 {shown} 不是可用的设置；可用的有 {allowed}"


def fill(body_html: str, settings: dict[str, Any]) -> str:
    """``body_html`` with each placeholder replaced by its value (escaped as HTML text)."""
    values = {**settings, "expiring_days": EXPIRING_DAYS, **BADGE_VALUES}
    return _PLACEHOLDER.sub(lambda m: html.escape(str(values[m.group(1)])), body_html)
