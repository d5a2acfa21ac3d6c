"""The one place where published addresses are made. See docs/addresses.md.

A unit lives at ``/e/<shard>/<fixed-source code>/`` where ``shard`` is the last
two characters of its USCC (positions 17–18 of the code). The check character
spreads codes evenly over 31×31 = 961 shards, so no folder of the site holds
more than 961 entries at ``/e/`` and, even with ten million units, about 10,400
inside a shard: far below Netlify's 54,000 entries per folder. The shard comes
from the code alone, so renaming a unit or moving it to another county never
changes its address.
"""

from __future__ import annotations

UNIT_PREFIX = "/e/"
#: The downloads page and the data dictionary, written by the open-data step.
DATA_PAGES = ("/data/", "/data/dictionary/")


def segment(code: str) -> str:
    """``code`` as one path segment: ASCII letters and digits only (validate.py refuses the
    rest with a message; this is the last guard, so no other code ever reaches an address)."""
    if not (code.isascii() and code.isalnum()) or code != code.upper():
        raise ValueError(f"编码 {code!r} 只能含半角大写字母和数字，不能用作网址")
    return code


def shard(code: str) -> str:
    """Shard folder of a fixed-source code: USCC characters 17 and 18."""
    return code[16:18]


def unit_path(code: str) -> str:
    """Site-relative path of a unit's page."""
    return f"{UNIT_PREFIX}{shard(code)}/{segment(code)}/"


def outlet_path(code: str, outlet: str) -> str:
    """Site-relative path of an outlet's page."""
    return f"{unit_path(code)}{segment(outlet)}/"


def unit_page_paths(code: str, outlets: list[str]) -> list[str]:
    """The unit's page and its outlets' pages (as unit_path and outlet_path), in one go."""
    base = unit_path(code)
    return [base, *[f"{base}{segment(outlet)}/" for outlet in outlets]]


def absolute(base_url: str, path: str) -> str:
    """Join the site's base URL and a site-relative path."""
    return base_url.rstrip("/") + path


def report_url(feedback_url: str, code: str | None = None) -> str:
    """Address of the report form on the feedback service, for a unit or a free place."""
    base = feedback_url.rstrip("/") + "/report"
    return f"{base}/{segment(code)}" if code else base
