"""Loopback hosts for the built site: one applying ``_redirects`` as Netlify does, and nginx.

Netlify itself cannot run here. ``RedirectsHost`` serves the folder and applies the file's
redirect rules with Netlify's documented semantics: paths are case-sensitive, a rule that is
not forced only applies when no file matches, ``*`` matches the rest and ``:splat`` repeats
it. ``Nginx`` runs the real nginx binary with a ``location`` block given by the test.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ..nginx_main import write_main


def redirect_rules(text: str) -> list[tuple[str, str, int]]:
    """The redirect rules (301/302, not forced) of a ``_redirects`` file."""
    rules = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#") and parts[2] in ("301", "302"):
            rules.append((parts[0], parts[1], int(parts[2])))
    return rules


def target_of(source: str, target: str, path: str) -> str | None:
    """Where rule ``source -> target`` sends ``path`` (None if it does not match)."""
    if source.endswith("/*"):
        stem = source[:-1]
        if path.startswith(stem):
            return target.replace(":splat", path[len(stem) :])
        return None
    return target if path == source else None


class _Handler(SimpleHTTPRequestHandler):
    rules: list[tuple[str, str, int]] = []

    def send_head(self) -> Any:
        """A file if one matches, else the first matching redirect, else the 404 page."""
        path = urlsplit(self.path).path
        if not Path(self.translate_path(self.path)).exists():
            for source, target, status in self.rules:
                location = target_of(source, target, path)
                if location is not None:
                    self.send_response(status)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Keep test output quiet."""


class RedirectsHost:
    """The built ``site`` on 127.0.0.1 with its own ``_redirects`` rules applied."""

    def __init__(self, site: Path) -> None:
        rules = redirect_rules((site / "_redirects").read_text(encoding="utf-8"))
        handler = type("Handler", (_Handler,), {"rules": rules})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving and free the port."""
        self.httpd.shutdown()
        self.httpd.server_close()


SERVER = """
server {{
    listen 127.0.0.1:{port};
    root {site};
    error_page 404 /404.html;
{locations}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """The real nginx serving ``site`` with the given ``location`` blocks."""

    def __init__(self, site: Path, locations: str, tmp: Path) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        port = _free_port()
        conf = tmp / "nginx.conf"
        write_main(tmp, SERVER.format(port=port, site=site, locations=locations))
        command = [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)]
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE)
        self.url = f"http://127.0.0.1:{port}"
        self._wait()

    def _wait(self) -> None:
        for _ in range(100):
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode())
            try:
                requests.get(self.url + "/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def close(self) -> None:
        """Stop nginx (the process this object started)."""
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stderr.close()
