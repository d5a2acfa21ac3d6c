"""`next` after login: only same-site paths, whatever encoding or browser quirk is tried."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from feedback.redirects import is_safe_path, safe_next
from tests.feedback.conftest import PASSWORD

#: Known open-redirect bypasses: browsers turn each into another host (or a script).
BYPASSES = [
    "//evil.example/",
    "///evil.example/",
    "////evil.example",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "/\x00/evil.example/",
    "/\x7f/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "/%09/evil.example/",
    "/%0a/evil.example/",
    "/%0d%0aLocation:%20https://evil.example/",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    "/%2525252525252F%2Fevil.example",  # more layers than are ever decoded
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%255Cevil.example",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "//evil.example@feedback.test/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "../evil.example",
    "／／evil.example",  # fullwidth solidus: NFKC turns it into //
    "/／evil.example",
    "/\uff3cevil.example",  # fullwidth reverse solidus
    "/\u200b/evil.example",  # zero-width space
    "/\u2028/evil.example",  # line separator
    "/\ufeff/evil.example",  # byte-order mark
    "/%E2%80%8B/evil.example",
    "/%EF%BC%8F/evil.example",
    "",
]

SAFE = [
    "/officer/",
    "/officer/case/G20261201-0001",
    "/officer/?state=received&page=2",
    "/officer/unit/91450126MA5L3K2R5Q001P",
    "/officer/?q=%E5%BA%9F%E6%B0%B4",
    "/enterprise/",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_bypasses_are_refused(target):
    assert not is_safe_path(target)
    assert safe_next(target, "/officer/") == "/officer/"


@pytest.mark.parametrize("target", SAFE)
def test_same_site_paths_are_kept(target):
    assert is_safe_path(target)
    assert safe_next(target, "/fallback") == target


def _login_location(client, query: str) -> str:
    response = client.post(
        f"/officer/login?{query}", data={"login": "binyang", "password": PASSWORD}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def _stays_here(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.netloc in ("", "localhost")
        and parts.path.startswith("/")
        and not (parts.path.startswith("//") or "\\" in location)
    )


def test_issue_example_goes_home(client):
    location = _login_location(client, "next=/%09/evil.example/")
    assert location == "/officer/"


@pytest.mark.parametrize("target", BYPASSES)
def test_login_never_redirects_off_site(app, target):
    location = _login_location(app.test_client(), "next=" + quote(target, safe=""))
    assert _stays_here(location)
    assert location == "/officer/"


@pytest.mark.parametrize("target", SAFE[:4])
def test_login_follows_same_site_next(app, target):
    location = _login_location(app.test_client(), "next=" + quote(target, safe=""))
    assert location == target


def test_officer_required_round_trip(client):
    first = client.get("/officer/?state=received")
    assert first.status_code == 302
    login_url = first.headers["Location"]
    response = client.post(login_url, data={"login": "binyang", "password": PASSWORD})
    assert response.headers["Location"] == "/officer/?state=received"


#: Second round: slashes browsers do not treat as slashes stay a path on this host.
LOOKALIKE_SLASHES = ["/\u2215evil.example", "/\u2044evil.example", "/\u3000/evil.example"]


@pytest.mark.parametrize("target", BYPASSES[::3] + LOOKALIKE_SLASHES)
def test_enterprise_login_never_redirects_off_site(app, target):
    response = app.test_client().post(
        "/enterprise/login?next=" + quote(target, safe=""),
        data={"login": "hongda", "password": PASSWORD},
    )
    assert response.status_code == 302 and _stays_here(response.headers["Location"])


@pytest.mark.parametrize("kind,login", [("officer", "binyang"), ("enterprise", "hongda")])
def test_logout_ignores_next(app, kind, login):
    client = app.test_client()
    client.post(f"/{kind}/login", data={"login": login, "password": PASSWORD})
    response = client.post(f"/{kind}/logout?next=//evil.example/", data={"next": "//evil.example"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
