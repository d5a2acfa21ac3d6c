"""The running system for browser tests: fixture site built and served, feedback service up.

Session-scoped pytest fixtures, imported by tests/e2e/conftest.py and tests/quality/conftest.py.
Everything is real: the generator builds tests/fixtures/content, a static server and the
feedback service listen on 127.0.0.1, mail goes to an aiosmtpd server on loopback, and
Debian's Chromium is driven by Playwright.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from .servers import AppServer, SiteServer
from .validators import CHROMIUM, ROOT, chromium_missing

FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Generous waits: CI runs these beside the rest of the suite with coverage on 2 cores.
ACTION_TIMEOUT_MS = 15_000
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@dataclass
class Mailbox:
    """Messages received by the loopback SMTP server."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd hook: keep the message."""
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        """Messages sent to ``address``."""
        with self.lock:
            return [m for m in self.messages if address in (m.get("To") or "")]


@dataclass
class Stack:
    """Addresses and handles of the running system."""

    site_dir: Path
    site_url: str
    app_url: str
    app: Any
    accounts: Any
    mailbox: Mailbox
    tmp: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(content: Path, out: Path, index_dir: Path, site_url: str, app_url: str) -> None:
    """Build ``content`` into ``out`` with the real generator (its search step fills ``index_dir``)."""
    from generator.build.run import build
    from generator.search.identity import META_FILE

    overrides = {
        "cache_dir": str(out.parent / "cache"),
        "search_index_dir": str(index_dir),
        "feedback_url": app_url,
    }
    build(content, out, site_url, jobs=1, progress=False, overrides=overrides)
    assert (index_dir / META_FILE).is_file(), "构建没有写出搜索索引（generator/build/steps.py）"


def next_build(stack: Stack, out: Path) -> Path:
    """What the daily cycle does after the service changed: the ledger export, run as its own
    process on the running service's database (``yimatong feedback ledger export``), then a
    build of the fixture content reading it into ``out`` (the shared site stays as it is)."""
    import os
    import subprocess
    import sys

    ledger = out.parent / f"{out.name}-ledger.json"
    config = stack.app.config
    env = {
        **os.environ,
        "YIMATONG_DATABASE_URL": config["DATABASE_URL"],
        "YIMATONG_DIRECTORY_FILE": str(config["DIRECTORY_FILE"]),
        "YIMATONG_INSTANCE_PATH": str(config["INSTANCE_PATH"]),
        "YIMATONG_SEARCH_INDEX_DIR": str(config["SEARCH_INDEX_DIR"]),
        "YIMATONG_SECRET_KEY": config["SECRET_KEY"],
    }
    command = [sys.executable, "-m", "generator.cli", "feedback", "ledger", "export"]
    done = subprocess.run(
        [*command, "--out", str(ledger)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    from generator.build.run import build

    overrides = {
        "cache_dir": str(out.parent / f"{out.name}-cache"),
        "search_index_dir": str(out.parent / f"{out.name}-index"),
        "feedback_url": stack.app_url,
        "ledger_file": str(ledger),
    }
    build(FIXTURE_CONTENT, out, stack.site_url, jobs=1, progress=False, overrides=overrides)
    return ledger


def start_smtp(mailbox: Mailbox) -> tuple[Any, int]:
    """An aiosmtpd server on loopback delivering into ``mailbox``."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def service_config(tmp: Path, stack_urls: tuple[str, str], smtp_port: int, index: Path) -> dict:
    """Configuration of the feedback service under test (SQLite and files in ``tmp``)."""
    site_url, app_url = stack_urls
    return {
        "SECRET_KEY": "e2e-secret",
        "DATABASE_URL": f"sqlite:///{tmp / 'feedback.sqlite3'}",
        "BASE_URL": site_url,
        "FEEDBACK_URL": app_url,
        "INSTANCE_PATH": str(tmp / "instance"),
        "STORAGE_DIR": str(tmp / "uploads"),
        "SEARCH_INDEX_DIR": str(index),
        "MAIL_ENABLED": True,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "RATE_LIMIT_REPORTS": 1000,
        "RATE_LIMIT_LOGINS": 1000,
    }


@contextmanager
def running_stack(tmp: Path) -> Iterator[Stack]:
    """Fixture content built and served, the feedback service running, demo accounts made."""
    from feedback.app import create_app
    from feedback.demo import ensure_demo
    from feedback.migrate import upgrade

    site_dir, index_dir = tmp / "site", tmp / "search-index"
    site_server, app_server = SiteServer(site_dir), AppServer()
    build_site(FIXTURE_CONTENT, site_dir, index_dir, site_server.url, app_server.url)
    mailbox = Mailbox()
    smtp, smtp_port = start_smtp(mailbox)
    urls = (site_server.url, app_server.url)
    app = create_app(service_config(tmp, urls, smtp_port, index_dir))
    upgrade(app)
    accounts = ensure_demo(app)
    site_server.start()
    app_server.start(app)
    try:
        yield Stack(site_dir, site_server.url, app_server.url, app, accounts, mailbox, tmp)
    finally:
        app_server.stop()
        site_server.stop()
        smtp.stop()
        release(app)


def release(app: Any) -> None:
    """Close what the service keeps open: database connections and the search index files."""
    from feedback.extensions import db
    from generator.search.opened import close_all

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    close_all()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


#: One running system and one browser for the whole pytest run, shared by tests/e2e and
#: tests/quality (each conftest would otherwise make its own session fixture instance).
_SHARED: dict[str, Any] = {}


def _once(request: pytest.FixtureRequest, key: str, make: Callable[[], Any]) -> Any:
    """Enter the context manager ``make()`` once per run; exit it when pytest ends."""
    if key not in _SHARED:
        manager = make()
        _SHARED[key] = manager.__enter__()

        def close() -> None:
            _SHARED.pop(key, None)
            manager.__exit__(None, None, None)

        request.config.add_cleanup(close)
    return _SHARED[key]


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """The running system (see running_stack), one per pytest run."""
    return _once(request, "stack", lambda: running_stack(tmp_path_factory.mktemp("e2e")))


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Any:
    """Debian's Chromium, one per pytest run; skipped with the reason when it is not installed."""
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    return _once(request, "browser", chromium)


def new_context(browser: Any, viewport: dict, mobile: bool) -> Any:
    """A fresh browser context (cookies of its own) in Chinese, CSP bypassed for axe-core."""
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile, bypass_csp=True
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh page at a 360×740 phone viewport (the public side)."""
    context = new_context(browser, PHONE, mobile=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    """A fresh page at a 1280×800 desktop viewport (officers and enterprises)."""
    context = new_context(browser, DESKTOP, mobile=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def make_page(browser: Any) -> Iterator[Any]:
    """Factory of further pages, each in its own context (another person's browser)."""
    contexts: list[Any] = []

    def make(desktop: bool = False) -> Any:
        context = new_context(browser, DESKTOP if desktop else PHONE, mobile=not desktop)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


#: Lays out every section of a unit or outlet page, on the screen or not.
FULL_LAYOUT = "main article>section{content-visibility:visible!important}"


class Shots:
    """Numbered full-page screenshots of one test, in test-artifacts/e2e/<test>/."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def __call__(self, page: Any, step: str) -> Path:
        """Save a screenshot of ``page`` named after ``step``."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        # A full-page capture does not scroll: sections off the screen (content-visibility:
        # auto, site.css) would stay blank, so every one is laid out first.
        page.add_style_tag(content=FULL_LAYOUT)
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    """Screenshot helper for the current test."""
    return Shots(request.node.name)
