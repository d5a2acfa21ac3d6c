"""The /search page and /api/search on the feedback service."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from generator import urls
from generator.search.query import MAX_LENGTH

from .conftest import BINYANG

BAD = [
    ("", 200, "empty"),
    ("   ", 200, "empty"),
    ("宏" * (MAX_LENGTH + 1), 400, "too_long"),
    ("!!!", 400, "no_text"),
    ("：；。", 400, "no_text"),
    ("*:(){}[]^~", 400, "no_text"),
    ("a", 400, "too_short"),
]


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_page_lists_highlighted_results(client):
    response = client.get("/search?q=宏达")
    assert response.status_code == 200
    soup = _soup(response)
    first = soup.select_one(".search-results li")
    assert first.select_one("a")["href"] == urls.absolute(
        "https://site.test", urls.unit_path(BINYANG)
    )
    assert first.select_one("mark").text == "宏达"
    assert soup.select_one(".search-form input[name=q]")["value"] == "宏达"


def test_page_has_no_script_or_inline_style(client):
    html = client.get("/search?q=有限公司").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("script") and not soup.select("[style]") and not soup.find("style")


def test_query_is_escaped(client):
    html = client.get("/search?q=<script>alert(1)</script>宏达").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_exact_code_redirects_to_the_unit_page(client):
    response = client.get(f"/search?q={BINYANG.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://site.test{urls.unit_path(BINYANG)}"


def test_outlet_identifier_redirects_to_the_outlet_page(client):
    response = client.get(f"/search?q={BINYANG}DW001")
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://site.test{urls.outlet_path(BINYANG, 'DW001')}"


@pytest.mark.parametrize(("q", "status", "code"), BAD)
def test_bad_queries_give_a_helpful_page(client, q, status, code):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == status
    message = ".search-intro" if code == "empty" else ".error-message"
    assert _soup(response).select_one(message).text.strip()


@pytest.mark.parametrize(("q", "status", "code"), BAD)
def test_bad_queries_give_a_json_error(client, q, status, code):
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


@pytest.mark.parametrize("q", ['"宏达', "宏达 AND 糖业", "宏达~2", "name:宏达*", "‘宏达", "(宏达"])
def test_syntax_and_unpaired_quotes_still_search(client, q):
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200 and _soup(page).select(".notice")
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert data["notices"] and data["total"] >= 1


@pytest.mark.parametrize(
    "args",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999"},
        {"per_page": "0"},
        {"per_page": "10000"},
        {"city": "x" * 500},
        {"type": "nonsense"},
    ],
)
def test_odd_parameters_never_fail(client, args):
    assert client.get("/search", query_string={"q": "有限公司", **args}).status_code == 200
    assert client.get("/api/search", query_string={"q": "有限公司", **args}).status_code == 200


def test_api_shape(client):
    data = client.get("/api/search?q=有限公司&per_page=2").get_json()
    assert set(data) == {
        "query",
        "from",
        "near_matches",
        "did_you_mean",
        "total",
        "page",
        "per_page",
        "pages",
        "redirect",
        "filters",
        "notices",
        "results",
        "facets",
    }
    assert data["per_page"] == 2 and len(data["results"]) == 2 and data["pages"] >= 2
    hit = data["results"][0]
    assert {
        "type",
        "type_label",
        "url",
        "title",
        "title_html",
        "subtitle",
        "snippet",
        "unit_code",
        "city",
        "county",
        "industry",
        "category",
        "state",
    } <= set(hit)
    assert "<mark>有限公司</mark>" in hit["title_html"]
    assert set(data["facets"]) == {"type", "city", "county", "industry", "category", "state"}
    assert (
        data["facets"]["type"][0]
        == {"value": "unit", "label": "排污单位", "count": 3, "selected": False}
        or data["facets"]["type"]
    )


def test_facet_counts_match_filtered_totals(client):
    data = client.get("/api/search?q=有限公司").get_json()
    for param, values in data["facets"].items():
        for value in values:
            filtered = client.get(
                "/api/search", query_string={"q": "有限公司", param: value["value"]}
            )
            assert filtered.get_json()["total"] == value["count"], (param, value)
    kinds = {v["value"]: v["count"] for v in data["facets"]["type"]}
    assert sum(kinds.values()) == data["total"]


def test_filter_marks_selected_and_keeps_other_counts(client):
    data = client.get("/api/search?q=有限公司&type=unit").get_json()
    assert data["filters"] == {"type": "unit"}
    assert all(r["type"] == "unit" for r in data["results"])
    selected = [v for v in data["facets"]["type"] if v["selected"]]
    assert [v["value"] for v in selected] == ["unit"]
    assert len(data["facets"]["type"]) > 1  # other types still offered with their counts
    page = _soup(client.get("/search?q=有限公司&type=unit"))
    assert page.select_one("[aria-current]").text.startswith("排污单位")


def test_paging_links(client):
    soup = _soup(client.get("/search?q=有限公司&per_page=2"))
    href = soup.select_one("a[rel=next]")["href"]
    assert "page=2" in href and "per_page=2" in href


def test_missing_index_is_explained(make_app, tmp_path):
    client = make_app(SEARCH_INDEX_DIR=str(tmp_path / "none")).test_client()
    page = client.get("/search?q=宏达")
    assert page.status_code == 503 and "索引" in _soup(page).select_one(".error-message").text
    assert client.get("/api/search?q=宏达").get_json()["error"]["code"] == "unavailable"


def test_ids_are_unique(client):
    soup = _soup(client.get("/search?q=宏达"))
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids))


def test_results_come_first_and_the_filters_fold_until_one_is_chosen(client):
    soup = _soup(client.get("/search?q=有限公司"))
    layout = soup.select_one(".search-layout")
    parts = [el["class"][0] for el in layout.find_all(["ol", "details"], recursive=False)]
    assert parts == ["search-results", "search-facets"]  # a phone reads the results first
    facets = layout.select_one("details.search-facets")
    assert "open" not in facets.attrs and "已选" not in facets.summary.text
    chosen = facets.select_one("ul.counts a")["href"]  # the first filter offered
    narrowed = _soup(client.get(chosen)).select_one("details.search-facets")
    assert "open" in narrowed.attrs and "已选 1 项" in narrowed.summary.text
