"""The nginx main configuration the tests run real nginx with, as non-root, under ``tmp``."""

from __future__ import annotations

#: The http context Debian's /etc/nginx/nginx.conf gives, with files under ``tmp``.
NGINX_MAIN = """
user root;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/yimatong.conf;
}}
"""


def write_main(tmp, site_conf: str) -> None:
    """Write ``tmp/nginx.conf`` including ``site_conf`` as ``tmp/yimatong.conf``."""
    (tmp / "yimatong.conf").write_text(site_conf, encoding="utf-8")
    (tmp / "nginx.conf").write_text(NGINX_MAIN.format(tmp=tmp), encoding="utf-8")
