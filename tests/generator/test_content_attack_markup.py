"""Second round of hostile page bodies: links that look relative but lead to another host,
entity- and whitespace-hidden schemes, reference links, autolinks and images, and markup
that tries to smuggle a script through a parser difference. Every case is rendered by the
real Markdown and nh3 and read back with an HTML parser."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from generator.content.markup import render_markdown

SCRIPTED = re.compile(r"(?i)^\s*(javascript|vbscript|data):")

HOSTILE = {
    "protocol-relative link": "[x](//evil.example/)",
    "slash backslash link": "[x](/\\evil.example/)",
    "double backslash link": '<a href="\\\\evil.example\\">x</a>',
    "space before protocol-relative": '<a href=" //evil.example/">x</a>',
    "entity slashes": '<a href="&#47;&#47;evil.example/">x</a>',
    "entity j": "[x](&#106;avascript:alert(1))",
    "hex entity j": "[x](&#x6A;avascript:alert(1))",
    "entity colon": "[x](javascript&#58;alert(1))",
    "entity tab": '<a href="&#x09;javascript:alert(1)">x</a>',
    "newline entity": '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    "control before scheme": '<a href="\x01javascript:alert(1)">x</a>',
    "space before scheme": "[x]( javascript:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "angle link": "[x](<javascript:alert(1)>)",
    "reference link": "[x][1]\n\n[1]: javascript:alert(1)",
    "reference link with title": '[x][a]\n\n[a]: JAVASCRIPT:alert(1) "t"',
    "image javascript": "![x](javascript:alert(1))",
    "image data svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "upper-case handler": '<a href="https://a.example.cn/" ONCLICK="alert(1)">x</a>',
    "mixed-case handler on abbr": '<abbr title="t" OnMouseOver="alert(1)">y</abbr>',
    "svg script": "<svg><script>alert(1)</script></svg>",
    "math script": "<math><mtext><script>alert(1)</script></mtext></math>",
    "noscript break-out": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template": "<template><script>alert(1)</script></template>",
    "srcdoc iframe": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "comment": "<!--><script>alert(1)</script>-->",
    "style with import": "<style>@import 'https://evil.example/x.css';</style>",
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "embed": '<embed src="https://evil.example/x.swf">',
    "form action": '<form action="javascript:alert(1)"><button>x</button></form>',
    "base": '<base href="https://evil.example/">',
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE)
def test_hostile_bodies_lose_scripts_and_foreign_relative_links(body):
    soup = BeautifulSoup(render_markdown(body), "html.parser")
    allowed = {"p", "a", "abbr", "br"}
    assert {tag.name for tag in soup.find_all(True)} <= allowed
    for tag in soup.find_all(True):
        assert all(not name.lower().startswith("on") for name in tag.attrs)
    for link in soup.select("a[href]"):
        href = link["href"]
        assert not SCRIPTED.match(href)
        assert "\\" not in href and not href.lstrip().startswith("//") and href == href.strip()
    assert "alert(1)" not in " ".join(str(a) for a in soup.select("[href], [src], [title]"))


FINE = {
    "site-relative": ("[x](/pages/about/)", "/pages/about/"),
    "fragment": ("[x](#top)", "#top"),
    "relative": ("[x](how-to-read/)", "how-to-read/"),
    "https": ("[x](https://sthjt.example.gov.cn/a?b=1)", "https://sthjt.example.gov.cn/a?b=1"),
    "mailto": ("[x](mailto:a@hb.example.gov.cn)", "mailto:a@hb.example.gov.cn"),
    "tel": ("[x](tel:0771-5761000)", "tel:0771-5761000"),
}


@pytest.mark.parametrize(("body", "href"), FINE.values(), ids=FINE)
def test_plain_links_keep_their_address(body, href):
    (link,) = BeautifulSoup(render_markdown(body), "html.parser").select("a[href]")
    assert link["href"] == href and link.get_text() == "x"


def test_a_dropped_link_keeps_its_text():
    soup = BeautifulSoup(render_markdown("见 [举报须知](//evil.example/) 一文"), "html.parser")
    assert soup.get_text() == "见 举报须知 一文" and not soup.select("a[href]")
