"""The header's search box: the service's keeps what was typed; the site's says where from."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator import settings, urls
from generator.content.readers import load_site
from generator.pages.app import create_site_app
from tests.directory_helpers import FIXTURE_CONTENT
from tests.generator.site_helpers import overrides

BINYANG = "91450126MA5L3K2R5Q001P"


def _header(html: bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser").select_one("header form.search")


@pytest.mark.parametrize("typed", ["宏达", "<b>91450126</b>", "x" * 300])
def test_the_service_header_keeps_the_query_on_the_search_page(make_app, typed):
    # No index (the fixture's folder is empty): the search page says so; its header is tested.
    client = make_app().test_client()
    box = _header(client.get("/search", query_string={"q": typed, "from": "/area/450126/"}).data)
    assert box.select_one("input[name=q]")["value"] == typed[:100]
    assert box.select_one("input[name=from]")["value"] == "/area/450126/"
    other = _header(client.get(f"/report/{BINYANG}").data)
    assert not other.select_one("input[name=q]").get("value")
    assert other.select_one("input[name=from]") is None


def test_the_site_header_tells_the_search_where_the_visitor_was(tmp_path):
    conf = settings.resolve(overrides(tmp_path))
    client = create_site_app(load_site(FIXTURE_CONTENT), conf).test_client()
    unit_path = urls.unit_path(BINYANG)
    for path, sent in ((unit_path, unit_path), ("/area/450126/", "/area/450126/"), ("/", None)):
        box = _header(client.get(path).data)
        hidden = box.select_one("input[name=from]")
        assert (hidden["value"] if hidden else None) == sent, path
