"""The nginx configuration is generated from the values of ``_redirects`` and netlify.toml."""

from __future__ import annotations

import re
import tomllib

import click
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.publish import netlify, nginx

from .machine import ROOT

#: The example the repository's deploy/nginx/yimatong.conf is written from (docs/deploy.md).
EXAMPLE_ENV = {
    "YIMATONG_BASE_URL": "https://yimatong.example.gov.cn",
    "YIMATONG_FEEDBACK_ORIGIN": "http://127.0.0.1:8000",
    "YIMATONG_FEEDBACK_URL": None,
}
SETTINGS = {
    "base_url": "https://yimatong.example.gov.cn",
    "feedback_url": "https://yimatong.example.gov.cn",
    "feedback_origin": "http://127.0.0.1:8000",
}


def test_checked_in_configuration_is_what_the_command_writes(tmp_path):
    out = tmp_path / "yimatong.conf"
    args = ["nginx-config", "--root", "/srv/yimatong/build/site", "-o", str(out)]
    result = CliRunner().invoke(main, args, env=EXAMPLE_ENV)
    assert result.exit_code == 0, result.output
    checked_in = ROOT / "deploy" / "nginx" / "yimatong.conf"
    assert out.read_text(encoding="utf-8") == checked_in.read_text(encoding="utf-8"), (
        "deploy/nginx/yimatong.conf is stale: run the command in docs/deploy.md"
    )


def test_every_service_path_is_proxied_and_nothing_else():
    text = nginx.nginx_config(SETTINGS)
    proxied = re.findall(r"location (?:= |\^~ )(\S+) \{\n\s+proxy_pass", text)
    expected = [p for path in netlify.PROXY_PATHS for p in (path, path + "/")]
    assert proxied == expected
    assert text.count("proxy_pass http://127.0.0.1:8000;") == len(expected)


def test_headers_are_netlify_tomls():
    toml = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    every = next(h["values"] for h in toml["headers"] if h["for"] == "/*")
    static = next(h["values"] for h in toml["headers"] if h["for"] == "/static/*")
    assert every["Content-Security-Policy"] == nginx.CSP
    common = dict(nginx.COMMON_HEADERS)
    assert common["Referrer-Policy"] == every["Referrer-Policy"]
    assert common["X-Content-Type-Options"] == every["X-Content-Type-Options"]
    text = nginx.nginx_config(SETTINGS)
    assert f'add_header Cache-Control "{every["Cache-Control"]}" always;' in text
    assert f'add_header Cache-Control "{static["Cache-Control"]}" always;' in text


def test_the_service_and_the_site_send_the_same_hsts():
    from feedback.security import HSTS

    assert nginx.HSTS == HSTS


def test_printed_rule_is_the_one_of_redirects():
    rule = netlify.printed_redirect().split()
    block = "\n".join(nginx.printed_location())
    assert rule[0] == "/E/*" and "location ^~ /E/ {" in block
    assert "rewrite ^/E/(.*)$ /e/$1 permanent;" in block


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8000/feedback", "ftp://127.0.0.1", "127.0.0.1:8000"]
)
def test_an_origin_nginx_cannot_proxy_to_is_refused(origin):
    with pytest.raises(click.ClickException) as refused:
        nginx.nginx_config({**SETTINGS, "feedback_origin": origin})
    assert "YIMATONG_FEEDBACK_ORIGIN" in refused.value.message
    assert origin in refused.value.message


def test_a_site_below_a_path_is_refused():
    with pytest.raises(click.ClickException) as refused:
        nginx.nginx_config({**SETTINGS, "base_url": "https://example.gov.cn/yimatong/"})
    assert "https://example.gov.cn/yimatong/" in refused.value.message


def test_origin_on_the_sites_own_address_is_refused():
    with pytest.raises(click.ClickException):
        nginx.nginx_config({**SETTINGS, "feedback_origin": SETTINGS["base_url"]})


def test_https_origin_sends_the_server_name():
    text = nginx.nginx_config({**SETTINGS, "feedback_origin": "https://feedback.example.cn"})
    assert "proxy_ssl_server_name on;" in text


def test_without_http_listen_there_is_one_server():
    text = nginx.nginx_config(SETTINGS, nginx.NginxOptions(http_listen=""))
    assert text.count("server {") == 1 and "return 301" not in text
