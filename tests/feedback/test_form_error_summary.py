"""A form sent back opens with a summary listing each field to fix, each linked to its input."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup

from tests.feedback.conftest import BINYANG, report_data


def _summary(response) -> tuple[BeautifulSoup, list[tuple[str, str]]]:
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    box = page.select_one(".error-summary")
    assert box is not None and box["role"] == "alert"
    return page, [(a["href"], a.text) for a in box.select("li a")]


def _post(client, url: str, data: dict):
    return client.post(url, data=data, content_type="multipart/form-data")


def _first_post(client, url: str, **fields) -> dict:
    """What a browser sends from a freshly opened form: its prefilled values, then ``fields``."""
    page = BeautifulSoup(client.get(url).data, "html.parser")
    sent = {
        i["name"]: i["value"]
        for i in page.select("form[method=post] input[name]")
        if i.get("value") and i.get("type") not in ("checkbox", "radio")
    }
    keys = {n: sent[n] for n in ("submission_key", "draft_token")}
    return {k: v for k, v in {**sent, **fields, **keys}.items() if v is not None}


@pytest.mark.parametrize(
    ("url", "fields", "expected"),
    [
        # An empty submit on a unit's form: category, description and the consent.
        (f"/report/{BINYANG}", {}, {"category", "description", "agree"}),
        # An empty submit for a free place also needs the county and the place.
        ("/report", {}, {"category", "description", "agree", "county", "place"}),
        # Only one thing wrong: exactly one line.
        (
            f"/report/{BINYANG}",
            {**report_data(), "description": "短"},
            {"description"},
        ),
        (
            f"/report/{BINYANG}",
            {**report_data(), "reporter_email": "not-an-address", "seen_on": "2026-02-30"},
            {"reporter_email", "seen_on"},
        ),
    ],
)
def test_each_field_to_fix_is_listed_once_and_links_to_its_input(client, url, fields, expected):
    data = _first_post(client, url, **fields)
    page, links = _summary(_post(client, url, data))
    targets = [href.removeprefix("#") for href, _ in links]
    assert len(targets) == len(set(targets)), "a field listed twice"
    named = {t.removesuffix("-0") for t in targets}
    assert named == expected
    for target, (_, text) in zip(targets, links, strict=True):
        element = page.find(id=target)
        assert element is not None and element.name in ("input", "textarea", "select"), target
        message = page.select_one(f"#{target.removesuffix('-0')}-error")
        inline = element.find_parent(class_="field-error")
        assert inline is not None, f"{target} not marked beside the field"
        assert "：" in text and text.split("：", 1)[1] in inline.text
        assert message is None or message.text in text
    heading = page.select_one("#error-summary-title").text
    assert f"{len(links)} 处" in heading


def test_a_refused_photo_is_listed_and_links_to_the_file_input(client):
    data = _first_post(client, f"/report/{BINYANG}", **report_data())
    data["photos"] = (io.BytesIO(b"GIF89a not really"), "photo.jpg")
    page, links = _summary(_post(client, f"/report/{BINYANG}", data))
    assert [href for href, _ in links] == ["#photos"]
    assert "只能上传 JPEG、PNG 或 WebP" in links[0][1]
    assert page.find(id="photos").name == "input"


def test_the_photo_field_is_labelled_once(client):
    page = BeautifulSoup(client.get(f"/report/{BINYANG}").data, "html.parser")
    labels = [el.text for el in page.select("label, legend") if el.text.startswith("照片")]
    assert len(labels) == 1 and page.select_one("label[for=photos]") is not None


def test_choices_are_large_enough_to_tap(client):
    response = client.get("/fb-static/feedback.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "min-height:2.75rem" in css and "width:1.5rem;height:1.5rem" in css
