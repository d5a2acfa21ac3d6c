"""Second round of proxy attacks: forged hosts, long forwarding lists, rotating IPv6 clients."""

from __future__ import annotations

import pytest
import requests
from bs4 import BeautifulSoup

from feedback.ratelimit import client_address
from tests.feedback.conftest import BINYANG, report_data
from tests.feedback.open311_helpers import LiveServer

PROXY = "10.0.0.2"


def _report(client, remote: str, **headers: str) -> int:
    return client.post(
        f"/report/{BINYANG}",
        data=report_data(),
        environ_base={"REMOTE_ADDR": remote},
        headers=headers,
    ).status_code


@pytest.mark.parametrize("hops", [0, 1])
def test_the_private_link_never_takes_a_forged_host(make_app, hops):
    """Host and X-Forwarded-Host sent over real HTTP do not make the receipt's secret link."""
    app = make_app(PROXY_HOPS=hops)
    server = LiveServer(app)
    try:
        response = requests.post(
            f"{server.url}/report/{BINYANG}",
            data=report_data(),
            headers={
                "Host": "evil.example",
                "X-Forwarded-Host": "evil.example",
                "X-Forwarded-For": "198.51.100.7",
                "X-Forwarded-Prefix": "/evil",
            },
            timeout=10,
        )
    finally:
        server.stop()
    assert response.status_code == 200
    link = BeautifulSoup(response.text, "html.parser").select_one(".private-link a")["href"]
    assert link.startswith("http://feedback.test/r/") and "evil" not in response.text


def test_a_forwarding_list_of_300_hops_counts_only_the_trusted_one(make_app):
    app = make_app(PROXY_HOPS=1, RATE_LIMIT_REPORTS=1)
    client = app.test_client()
    forged = ", ".join(f"192.0.2.{i % 250}" for i in range(300))
    assert _report(client, PROXY, **{"X-Forwarded-For": f"{forged}, 203.0.113.5"}) == 200
    assert _report(client, PROXY, **{"X-Forwarded-For": f"{forged[::-1]}, 203.0.113.5"}) == 429
    assert _report(client, PROXY, **{"X-Forwarded-For": "not an address, 198.51.100.7"}) == 200


def test_one_ipv6_subscriber_rotating_addresses_has_one_report_limit(make_app):
    app = make_app(RATE_LIMIT_REPORTS=2)
    client = app.test_client()
    same_net = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:abcd:1:2:3"]
    assert [_report(client, addr) for addr in same_net] == [200, 200, 429]
    assert _report(client, "2001:db8:1:3::1") == 200  # the neighbour's /64


def test_behind_the_proxy_ipv6_clients_are_counted_by_their_network(make_app):
    app = make_app(PROXY_HOPS=1, RATE_LIMIT_REPORTS=1)
    client = app.test_client()
    assert _report(client, PROXY, **{"X-Forwarded-For": "2001:db8:9:9::1"}) == 200
    assert _report(client, PROXY, **{"X-Forwarded-For": "2001:db8:9:9::2"}) == 429


@pytest.mark.parametrize(
    ("addr", "counted"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("garbage", "garbage"),
        (None, "unknown"),
    ],
)
def test_client_address(addr, counted):
    assert client_address(addr) == counted
