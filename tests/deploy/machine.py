"""One production machine on loopback: Debian's nginx with the generated configuration in
front of real gunicorn started with deploy/gunicorn.conf.py, over TLS with a throwaway
certificate, exactly as docs/deploy.md sets it up (only the ports and folders differ)."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from generator.publish.nginx import NginxOptions, nginx_config

from ..nginx_main import write_main

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
#: The client connects from this loopback address; nginx reaches gunicorn from 127.0.0.1,
#: so the service can tell the two apart.
CLIENT_ADDRESS = "127.0.0.2"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FromAddress(HTTPAdapter):
    """Connections made from a given local address (another loopback address than nginx's)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Machine:
    """Addresses and files of the running machine."""

    url: str
    http_url: str
    gunicorn_url: str
    site: Path
    cert: Path
    env: dict[str, str]
    tmp: Path

    def client(self) -> requests.Session:
        """A browser-like client connecting from CLIENT_ADDRESS, trusting the certificate."""
        session = requests.Session()
        session.trust_env = False  # no proxy or CA bundle from the environment
        session.verify = str(self.cert)
        session.mount("https://", FromAddress(CLIENT_ADDRESS))
        session.mount("http://", FromAddress(CLIENT_ADDRESS))
        return session


def make_certificate(tmp: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (valid from now, so on any day)."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def service_env(tmp: Path, site_url: str, index: Path, **extra: str) -> dict[str, str]:
    """The service's production settings, as a systemd EnvironmentFile would give them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMATONG_", "FLASK_"))}
    env.update(
        YIMATONG_PRODUCTION="true",
        YIMATONG_SECRET_KEY=secrets.token_hex(32),
        YIMATONG_PROXY_HOPS="1",
        YIMATONG_INSTANCE_PATH=str(tmp / "instance"),
        YIMATONG_DATABASE_URL=f"sqlite:///{tmp / 'feedback.sqlite3'}",
        YIMATONG_SEARCH_INDEX_DIR=str(index),
        YIMATONG_BASE_URL=site_url,
        YIMATONG_FEEDBACK_URL=site_url,
        YIMATONG_MAIL_ENABLED="false",
    )
    env.update(extra)
    return env


def build_site(tmp: Path, site_url: str, origin: str) -> tuple[Path, Path]:
    """The fixture content built for the machine's address; the service paths go to origin."""
    from generator.build.run import build

    site, index = tmp / "site", tmp / "search-index"
    overrides = {
        "cache_dir": str(tmp / "cache"),
        "search_index_dir": str(index),
        "feedback_url": site_url,
        "feedback_origin": origin,
    }
    build(FIXTURE, site, site_url, jobs=1, progress=False, overrides=overrides)
    return site, index


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """gunicorn with the repository's settings, bound to ``port`` instead of 8000."""
    command = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def wait_for(url: str, process: subprocess.Popen, log: Path, **kwargs: object) -> None:
    """Until ``url`` answers; fail with the process's log if it stopped."""
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        try:
            requests.get(url, timeout=5, **kwargs)  # type: ignore[arg-type]
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer:\n" + log.read_text(errors="replace"))


def start_nginx(tmp: Path, options: NginxOptions, origin: str, site_url: str) -> subprocess.Popen:
    """Debian's nginx with the configuration ``yimatong nginx-config`` writes."""
    settings = {"base_url": site_url, "feedback_url": site_url, "feedback_origin": origin}
    write_main(tmp, nginx_config(settings, options))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf")]
    log = tmp / "nginx.out"
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    """Stop a process this module started, by its own handle."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running_machine(tmp: Path) -> Iterator[Machine]:
    """Site built, database made, gunicorn and nginx running; stopped afterwards."""
    port, http_port, app_port = free_port(), free_port(), free_port()
    url, origin = f"https://127.0.0.1:{port}", f"http://127.0.0.1:{app_port}"
    site, index = build_site(tmp, url, origin)
    env = service_env(tmp, url, index)
    subprocess.run([str(BIN / "yimatong"), "feedback", "init-db"], env=env, check=True, cwd=tmp)
    cert, key = make_certificate(tmp)
    options = NginxOptions(
        listen=f"127.0.0.1:{port}",
        http_listen=f"127.0.0.1:{http_port}",
        certificate=str(cert),
        certificate_key=str(key),
        root=str(site),
    )
    gunicorn = start_gunicorn(env, app_port, tmp / "gunicorn.log")
    nginx = start_nginx(tmp, options, origin, url)
    try:
        wait_for(origin + "/privacy", gunicorn, tmp / "gunicorn.log")
        wait_for(url + "/", nginx, tmp / "nginx.out", verify=str(cert))
        yield Machine(url, f"http://127.0.0.1:{http_port}", origin, site, cert, env, tmp)
    finally:
        stop(nginx)
        stop(gunicorn)
