"""The one place where published addresses are made. See docs/addresses.md.

A unit lives at ``/e/<shard>/<fixed-source code>/`` where ``shard`` is the last
two characters of its USCC (positions 17–18 of the code). The check character
spreads codes evenly over 31×31 = 961 shards, so no folder of the site holds
more than 961 entries at ``/e/`` and, even with ten million units, about 10,400
inside a shard: far below Netlify's 54,000 entries per folder. The shard comes
from the code alone, so renaming a unit or moving it to another county never
changes its address.

Printed codes hold the same addresses spelt for QR's alphanumeric mode (``printed``): the
host and the ``/E/`` prefix in upper case, the scheme in lower case. The host answers
``/E/*`` with a permanent redirect to ``/e/:splat`` (docs/addresses.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

UNIT_PREFIX = "/e/"
#: The unit prefix as printed in sign codes (upper case: QR alphanumeric); redirected to UNIT_PREFIX.
PRINTED_PREFIX = "/E/"
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


def page_path(slug: str) -> str:
    """Address of a content page (site.yaml's explanation pages, ``content/pages/``)."""
    return f"/pages/{slug}/"


def absolute(base_url: str, path: str) -> str:
    """Join the site's base URL and a site-relative path."""
    return base_url.rstrip("/") + path


def printed(base_url: str, path: str) -> str:
    """The address a sign's code holds for a unit or outlet ``path`` (see module docstring).

    ``https://ymt.example.cn`` and ``/e/5Q/<code>/`` give ``https://YMT.EXAMPLE.CN/E/5Q/<code>/``:
    scheme and host are case-insensitive (RFC 3986 3.1, 3.2.2), codes are upper case already,
    and the prefix is redirected. The scheme stays lower case: some phones only open a link
    whose scheme is (docs/signs.md). A path in ``base_url`` is kept as it is.
    """
    if not path.startswith(UNIT_PREFIX):
        raise ValueError(f"只有单位和排放口页面的地址印在标识牌上，不能印 {path!r}")
    parts = urlsplit(base_url.rstrip("/"))
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"网站地址 {base_url!r} 须含协议和主机名，如 https://ymt.example.cn")
    rest = path[len(UNIT_PREFIX) :]
    return f"{parts.scheme.lower()}://{parts.netloc.upper()}{parts.path}{PRINTED_PREFIX}{rest}"


def follow_url(feedback_url: str, code: str) -> str:
    """Address of the form to follow a unit by e-mail on the feedback service."""
    return f"{feedback_url.rstrip('/')}/follow/{segment(code)}"


def report_url(feedback_url: str, code: str | None = None) -> str:
    """Address of the report form on the feedback service, for a unit or a free place."""
    base = feedback_url.rstrip("/") + "/report"
    return f"{base}/{segment(code)}" if code else base


def ledger_monthly_path(month: str | None = None) -> str:
    """The public monthly summary's index, or the page of ``month`` (``YYYY-MM``)."""
    if month is None:
        return "/ledger/monthly/"
    year, _, number = month.partition("-")
    if not (len(year) == 4 and year.isdigit() and len(number) == 2 and number.isdigit()):
        raise ValueError(f"月份 {month!r} 应为 YYYY-MM，不能用作网址")
    return f"/ledger/monthly/{month}/"


#: The main menu the static site and the service both show (one header, site/templates/shared/
#: _chrome.html): label, which of the two serves it, and its path there.
MENU: tuple[tuple[str, str, str], ...] = (
    ("按地区", "site", "/area/"),
    ("按行业", "site", "/industry/"),
    ("行政处罚", "site", "/penalties/"),
    ("许可证清单", "site", "/permits/expiring/"),
    ("举报统计", "site", "/stats/"),
    ("问题台账", "site", "/ledger/"),
    ("双随机抽查", "site", "/draws/"),
    ("举报与查询", "service", "/"),
)
#: The links of the footer's first line, after the hotline, in the same form.
FOOTER_LINKS: tuple[tuple[str, str, str], ...] = (
    ("网上举报", "service", "/report"),
    ("开放数据", "site", "/data/"),
    ("隐私说明", "service", "/privacy"),
)


def chrome_links(
    links: tuple[tuple[str, str, str], ...], site_base: str, service_base: str
) -> list[tuple[str, str]]:
    """(label, address) of ``links`` (``MENU``, ``FOOTER_LINKS``): the site's paths under
    ``site_base`` and the service's under ``service_base`` ("" keeps a path as it is, for the
    one that renders the page)."""
    bases = {"site": site_base.rstrip("/"), "service": service_base.rstrip("/")}
    return [(label, bases[where] + path) for label, where, path in links]
