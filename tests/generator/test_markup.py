"""Markdown pages cannot publish scripts, handlers, styles or script links; content text is
escaped everywhere else it reaches HTML."""

from __future__ import annotations

import shutil
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from generator import settings
from generator.content.markup import ATTRIBUTES, TAGS, URL_SCHEMES, render_markdown
from generator.content.readers import load_site
from generator.content.readers.files import _FRONT_MATTER
from generator.pages.app import create_site_app

from .site_helpers import BASE_URL, FIXTURE, overrides

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "script tag upper case": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "image with onerror": '<img src="x" onerror="alert(1)">',
    "svg with onload": "<svg onload=alert(1)><circle r=1 /></svg>",
    "markdown javascript link": "[点我](javascript:alert(1))",
    "markdown javascript link mixed case": "[点我](JaVaScRiPt:alert(1))",
    "entity-hidden javascript link": '<a href="jav&#x09;ascript:alert(1)">点我</a>',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
    "vbscript link": "[点我](vbscript:msgbox(1))",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "style tag": "<style>body{display:none}</style>",
    "inline style": '<p style="position:fixed;top:0">盖住页面</p>',
    "event handler on an allowed tag": '<p onclick="alert(1)">文字</p>',
    "form": '<form action="https://evil.example/"><input name="phone"></form>',
    "object": '<object data="x.swf"></object>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base tag": '<base href="https://evil.example/">',
    "link with target": '<a href="https://ok.example/" target="_blank">链接</a>',
    "comment": "<!-- <script>alert(1)</script> -->",
}


def assert_safe(html: str) -> None:
    tree = BeautifulSoup(html, "html.parser")
    for tag in tree.find_all(True):
        assert tag.name in TAGS, tag
        for name, value in tag.attrs.items():
            assert name in ATTRIBUTES.get(tag.name, ()), (tag.name, name)
            if name == "href":
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                assert scheme in URL_SCHEMES or value.startswith(("/", "#")), value
    assert "<script" not in html.lower() and "alert(1)" not in html and "<!--" not in html


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_markup_is_removed(case):
    assert_safe(render_markdown(f"前文\n\n{HOSTILE[case]}\n\n后文"))


def test_text_of_removed_tags_stays_but_script_content_goes():
    html = render_markdown('<div onclick="x">说明文字</div>\n\n<script>var secret = 1</script>')
    assert "说明文字" in html and "secret" not in html


def test_allowed_markup_survives():
    text = (
        "## 标题\n\n**粗体** *斜体* `代码`\n\n1. 一\n2. 二\n\n> 引用\n\n"
        "[举报](/pages/how-to-report/) [邮件](mailto:a@example.cn) [电话](tel:12369) "
        "[外部](https://www.mee.gov.cn/)\n\n| 左 | 右 |\n| :-- | --: |\n| 1 | 2 |\n"
    )
    tree = BeautifulSoup(render_markdown(text), "html.parser")
    hrefs = [a["href"] for a in tree.select("a")]
    assert hrefs == [
        "/pages/how-to-report/",
        "mailto:a@example.cn",
        "tel:12369",
        "https://www.mee.gov.cn/",
    ]
    assert [th["align"] for th in tree.select("th")] == ["left", "right"]
    assert tree.select_one("h2").get_text() == "标题" and tree.select_one("blockquote")
    assert not tree.select("[rel]") and not tree.select("[style]")


@pytest.mark.parametrize(
    "page",
    sorted((ROOT / "content" / "pages").glob("*.md")) + sorted((FIXTURE / "pages").glob("*.md")),
)
def test_every_existing_page_renders_as_plain_markdown_did(page):
    text = page.read_text(encoding="utf-8")
    body = text[_FRONT_MATTER.match(text).end() :]
    assert render_markdown(body) == markdown.markdown(body, extensions=["tables"])


def test_the_published_page_is_sanitised(tmp_path):
    content = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    hostile = "\n\n".join(HOSTILE.values())
    (content / "pages" / "evil.md").write_text(
        f"---\ntitle: <b>标题</b>\nsummary: 摘要\n---\n正文\n\n{hostile}\n", encoding="utf-8"
    )
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    client = create_site_app(load_site(content), conf).test_client()
    response = client.get("/pages/evil/")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    main = page.select_one("article.page")
    assert not page.select("script, iframe, object, style, meta[http-equiv], base")
    assert not main.select("form, input") and "正文" in main.get_text()
    assert not page.select("[onerror], [onclick], [onload], [style]")
    assert all(
        not a["href"].lower().startswith(("javascript", "data", "vbscript"))
        for a in main.select("a[href]")
    )
    assert "<b>标题</b>" in page.select_one("h1").get_text()  # the title is text, escaped
