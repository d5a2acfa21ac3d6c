"""The nginx configuration of a one-machine deployment, from the same values as ``_redirects``.

nginx serves the built site and proxies the feedback service's paths to gunicorn. Nothing in
it is typed twice: the service paths are :data:`generator.publish.netlify.PROXY_PATHS`, the
upstream is :func:`generator.publish.netlify.feedback_origin`, the printed-address rule is
the one of ``_redirects``, and the headers and types are the ones netlify.toml and
``yimatong publish`` give the same files (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from generator import urls
from generator.publish.netlify import PROXY_PATHS, feedback_origin
from generator.publish.upload import (
    CONTENT_TYPES,
    IMMUTABLE,
    NETLIFY_ONLY,
    REVALIDATE,
    content_type,
)

#: The Content-Security-Policy of the static pages (netlify.toml says the same; a test checks).
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
#: HSTS of the static pages: the service sends the same header in production itself.
HSTS = "max-age=31536000; includeSubDomains"
#: Headers every static file gets (netlify.toml's ``/*`` rule), besides Cache-Control.
COMMON_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Strict-Transport-Security", HSTS),
)
#: Compressed on the fly: text formats of the site and of the service's answers.
GZIP_TYPES = (
    "text/css",
    "text/javascript",
    "text/plain",
    "text/csv",
    "application/json",
    "application/jsonl",
    "application/xml",
    "application/atom+xml",
    "image/svg+xml",
    "application/manifest+json",
)


@dataclass(frozen=True)
class NginxOptions:
    """Where nginx listens and finds its files; the rest comes from the build's settings."""

    listen: str = "443"
    http_listen: str = "80"
    certificate: str = "/etc/ssl/certs/yimatong.pem"
    certificate_key: str = "/etc/ssl/private/yimatong.key"
    root: str = "/srv/yimatong/build/site"
    max_body_mb: int = 60


def _headers(cache_control: str, extra: Iterable[tuple[str, str]] = ()) -> list[str]:
    """``add_header`` lines (repeated in each location: nginx drops inherited ones otherwise)."""
    pairs = [*COMMON_HEADERS, ("Cache-Control", cache_control), *extra]
    return [f'add_header {name} "{value}" always;' for name, value in pairs]


def _block(head: str, lines: Iterable[str], indent: str = "    ") -> list[str]:
    """``head { lines }`` indented by one level."""
    return [f"{head} {{", *(indent + line for line in lines), "}"]


def types_block() -> list[str]:
    """The file types of the site: the table ``yimatong publish`` uses for S3 objects."""
    by_type: dict[str, list[str]] = {}
    for suffix, kind in CONTENT_TYPES.items():
        by_type.setdefault(kind, []).append(suffix[1:])
    lines = [f"{kind} {' '.join(names)};" for kind, names in by_type.items()]
    return _block("types", lines)


def charset_types() -> list[str]:
    """Types nginx labels ``charset=utf-8``: the ones ``yimatong publish`` labels so."""
    kinds = dict.fromkeys(CONTENT_TYPES.values())
    return [k for k in kinds if "charset" in content_type("x" + _suffix_of(k))]


def _suffix_of(kind: str) -> str:
    return next(s for s, k in CONTENT_TYPES.items() if k == kind)


def printed_location(base_path: str = "") -> list[str]:
    """Printed sign addresses ``/E/...`` answered 301 with the page ``/e/...``."""
    base = base_path.rstrip("/")
    printed, unit = base + urls.PRINTED_PREFIX, base + urls.UNIT_PREFIX
    rule = f"rewrite ^{printed}(.*)$ {unit}$1 permanent;"
    comment = "# Sign codes print /E/ (QR alphanumeric mode); the pages are under /e/."
    return [comment, *_block(f"location ^~ {printed}", [rule])]


def static_locations() -> list[str]:
    """The built site's files with netlify.toml's headers; 404.html for anything else."""
    lines = _block("location /", ["try_files $uri $uri/ =404;", *_headers(REVALIDATE)])
    lines += _block("location ^~ /static/", ["try_files $uri =404;", *_headers(IMMUTABLE)])
    cors = [("Access-Control-Allow-Origin", "*")]
    lines += _block("location ^~ /data/", ["try_files $uri =404;", *_headers(REVALIDATE, cors)])
    for name in sorted(NETLIFY_ONLY):  # Netlify's own files name the origin: not served
        lines += _block(f"location = /{name}", ["return 404;"])
    return lines


def proxy_locations(origin: str) -> list[str]:
    """Every service path, exactly and with anything below it, proxied to ``origin``."""
    lines: list[str] = []
    for path in PROXY_PATHS:
        lines += _block(f"location = {path}", [f"proxy_pass {origin};"])
        lines += _block(f"location ^~ {path}/", [f"proxy_pass {origin};"])
    return lines


def proxy_settings(origin: str, max_body_mb: int) -> list[str]:
    """What nginx tells the service: the client's address and scheme, the public host."""
    lines = [
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_set_header Host $http_host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_connect_timeout 5s;",
        "proxy_read_timeout 60s;",
        "proxy_send_timeout 60s;",
        f"client_max_body_size {max_body_mb}m;",
    ]
    if origin.startswith("https://"):
        lines.append("proxy_ssl_server_name on;")
    return lines


def _checked_origin(origin: str) -> str:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise click.ClickException(
            f"反馈服务地址 {origin} 不能用作 nginx 的上游：应为 http://主机:端口，不带路径"
            "（YIMATONG_FEEDBACK_ORIGIN，例如 http://127.0.0.1:8000）。"
        )
    return f"{parts.scheme}://{parts.netloc}"


def _site_server(settings: dict[str, Any], options: NginxOptions, server_name: str) -> list[str]:
    origin = _checked_origin(feedback_origin(settings))
    lines = [
        f"listen {options.listen} ssl;",
        f"server_name {server_name};",
        f"ssl_certificate {options.certificate};",
        f"ssl_certificate_key {options.certificate_key};",
        "ssl_protocols TLSv1.2 TLSv1.3;",
        f"root {options.root};",
        "server_tokens off;",
        "absolute_redirect off;",
        "error_page 404 /404.html;",
        "charset utf-8;",
        f"charset_types {' '.join(charset_types())};",
        "gzip on;",
        "gzip_vary on;",
        "gzip_proxied any;",
        "gzip_min_length 1024;",
        f"gzip_types {' '.join(GZIP_TYPES)};",
        *types_block(),
        *proxy_settings(origin, options.max_body_mb),
        *static_locations(),
        *printed_location(urlsplit(settings["base_url"]).path),
        *proxy_locations(origin),
    ]
    return _block("server", lines)


def nginx_config(settings: dict[str, Any], options: NginxOptions | None = None) -> str:
    """The ``server`` blocks for nginx's ``http`` context (Debian: ``sites-available``)."""
    options = options or NginxOptions()
    base = urlsplit(settings["base_url"])
    if base.path.strip("/"):
        raise click.ClickException(
            f"网站地址 {settings['base_url']} 带有路径：nginx 配置只支持网站在域名根路径，"
            "请把 YIMATONG_BASE_URL 设为 https://域名/ 。"
        )
    server_name = base.hostname or "_"
    head = [
        "# Written by `yimatong nginx-config` from base_url, out_dir and YIMATONG_FEEDBACK_ORIGIN",
        "# (the values of the build's _redirects); do not edit, run the command again.",
    ]
    if options.http_listen:
        redirect = [f"listen {options.http_listen};", f"server_name {server_name};"]
        head += _block("server", [*redirect, "return 301 https://$host$request_uri;"])
    return "\n".join([*head, *_site_server(settings, options, server_name)]) + "\n"


@click.command("nginx-config")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--listen", default=NginxOptions.listen, show_default=True, help="HTTPS listen.")
@click.option("--http-listen", default=NginxOptions.http_listen, show_default=True)
@click.option("--certificate", default=NginxOptions.certificate, show_default=True)
@click.option("--certificate-key", default=NginxOptions.certificate_key, show_default=True)
@click.option("--root", help="Folder of the built site (default: out_dir, made absolute).")
@click.option("--max-body-mb", default=NginxOptions.max_body_mb, show_default=True, type=int)
def nginx_command(output: Path | None, root: str | None, **options: Any) -> None:
    """Write the nginx configuration serving the built site and proxying the service."""
    from generator.settings import resolve

    settings = resolve()
    root = root or str(Path(settings["out_dir"]).resolve())
    text = nginx_config(settings, NginxOptions(root=root, **options))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"已写出 nginx 配置：{output}")
