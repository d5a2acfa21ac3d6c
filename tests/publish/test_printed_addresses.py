"""Every address printed in a sign's code reaches its page, served (issue 19).

The codes hold ``https://HOST/E/<shard>/<code>/[<outlet>/]``; the pages live under ``/e/``.
The built site is served by a host applying its own ``_redirects`` as Netlify does, and by
the real nginx with the location rule ``yimatong nginx-config`` generates.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from generator.content.readers import load_site
from generator.publish.nginx import printed_location
from generator.signs import SignOptions, unit_signs

from .conftest import BASE, FIXTURE
from .hosts import Nginx, RedirectsHost


@pytest.fixture(scope="module")
def printed() -> list[tuple[str, str]]:
    """(printed address, heading of its page) of every sign of the fixture content: the unit's
    name for a gate sign, the outlet's code for an outlet sign."""
    site = load_site(FIXTURE)
    opts = SignOptions(base_url=BASE, printed=dt.date(2026, 3, 17))
    return [(s.url, s.outlet_code or u.name) for u in site.units for s in unit_signs(site, u, opts)]


@pytest.fixture(scope="module")
def netlify_host(built):
    host = RedirectsHost(built)
    yield host
    host.close()


def nginx_rule() -> str:
    """The nginx location block ``yimatong nginx-config`` writes (docs/deploy.md)."""
    return "\n".join(printed_location()) + "\n"


@pytest.fixture(scope="module")
def nginx_host(built, tmp_path_factory):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    host = Nginx(built, nginx_rule(), tmp_path_factory.mktemp("nginx"))
    yield host
    host.close()


def _check_every_printed_address(host_url: str, printed: list[tuple[str, str]]) -> None:
    assert len(printed) >= 8
    for address, heading in printed:
        parts = urlsplit(address)
        assert parts.scheme == "https" and parts.path.startswith("/E/"), address
        # A client lower-cases scheme and host (RFC 3986 6.2.2.1) before it connects.
        assert requests.Request("GET", address).prepare().url.startswith(BASE + "/E/")
        first = requests.get(host_url + parts.path, allow_redirects=False, timeout=10)
        assert first.status_code == 301, address
        page_path = "/e/" + parts.path[len("/E/") :]
        assert urlsplit(first.headers["Location"]).path == page_path
        page = requests.get(host_url + parts.path, timeout=10)
        assert page.status_code == 200 and page.history, address
        title = BeautifulSoup(page.content, "html.parser").select_one("h1")
        assert heading in title.get_text(), address
        # The old, lower-case address is the page itself: no redirect.
        old = requests.get(host_url + page_path, allow_redirects=False, timeout=10)
        assert old.status_code == 200, page_path


def _check_unknown_and_other_paths(host_url: str) -> None:
    gone = requests.get(host_url + "/E/ZZ/91450000MA00000ZZZ001P/", timeout=10)
    assert [r.status_code for r in gone.history] == [301] and gone.status_code == 404
    lower_gone = requests.get(host_url + "/e/ZZ/nothing/", allow_redirects=False, timeout=10)
    assert lower_gone.status_code == 404  # the rule never matches the pages' own prefix
    other = requests.get(host_url + "/Eagle/", allow_redirects=False, timeout=10)
    assert other.status_code == 404


def test_netlify_rule_sends_every_printed_address_to_its_page(netlify_host, printed):
    _check_every_printed_address(netlify_host.url, printed)


def test_netlify_rule_keeps_unknown_addresses_a_404(netlify_host):
    _check_unknown_and_other_paths(netlify_host.url)


def test_generated_nginx_rule_sends_every_printed_address_to_its_page(nginx_host, printed):
    _check_every_printed_address(nginx_host.url, printed)


def test_generated_nginx_rule_keeps_unknown_addresses_a_404(nginx_host):
    _check_unknown_and_other_paths(nginx_host.url)
