"""``yimatong serve``: live preview of the site app, with the feedback service beside it.

The one module that composes the two: the generator never imports the service, and the
service itself reads only what a build publishes. The command reaches ``yimatong`` through
the ``yimatong.commands`` entry points (pyproject.toml, generator/cli.py).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from typing import Any

import click
from flask import Flask
from werkzeug.serving import make_server, run_simple

from generator import settings as settings_mod
from generator.content.model import Site
from generator.content.problems import ContentError
from generator.directory.records import DirectoryFileError, path_beside, read, write
from generator.directory.write import directory_of
from generator.pages.app import create_site_app

HOST = "127.0.0.1"
SITE_PORT, FEEDBACK_PORT = 8000, 5000


def preview_urls(
    port: int | None,
    feedback_port: int | None,
    base_url: str | None = None,
    feedback_url: str | None = None,
) -> dict[str, str]:
    """The two public addresses as overrides: the command line, else the environment, else
    the preview's own address on the port it listens on."""
    urls = {}
    for name, url, chosen, default in (
        ("base_url", base_url, port, SITE_PORT),
        ("feedback_url", feedback_url, feedback_port, FEEDBACK_PORT),
    ):
        if url:
            urls[name] = url.rstrip("/")
        elif chosen is not None or os.environ.get(settings_mod.declared(name).env) is None:
            urls[name] = f"http://{HOST}:{default if chosen is None else chosen}"
    return urls


def service_config(conf: dict[str, Any]) -> dict[str, Any]:
    """Settings the feedback service shares with the preview: addresses and search index (the
    directory file beside it)."""
    return {
        "BASE_URL": conf["base_url"],
        "FEEDBACK_URL": conf["feedback_url"],
        "SEARCH_INDEX_DIR": conf["search_index_dir"],
    }


def publish_directory(site: Site, conf: dict[str, Any]) -> None:
    """Write the directory file of the previewed content beside the search index, so the
    service knows the units the preview shows (it reads nothing else of the content)."""
    path, data = path_beside(conf["search_index_dir"]), directory_of(site)
    try:
        if dataclasses.replace(read(path), build="") == data:
            return  # the last build wrote it for this content: keep its build stamp
    except DirectoryFileError:
        pass
    write(path, data)


def feedback_app(config: dict[str, Any] | None = None) -> tuple[Flask, list[tuple[str, str, str]]]:
    """The feedback service and its demo accounts; a clear error if it is not there."""
    try:
        from feedback.app import create_app
        from feedback.demo import ensure_demo
    except ImportError as error:
        raise click.ClickException(
            f"反馈服务尚不可用（{error}）。可加 --no-feedback 只预览网站。"
        ) from error
    app = create_app(config)
    return app, ensure_demo(app)


def site_preview(content_dir: str, conf: dict[str, Any]) -> Flask:
    """The site app over content loaded once; exits with the problems if content is invalid."""
    from generator.content.readers import load_site

    try:
        site = load_site(
            content_dir,
            stats_file=conf["stats_file"] or None,
            ledger_file=conf["ledger_file"] or None,
            draws_file=conf["draws_file"] or None,
        )
    except ContentError as error:
        click.echo(error.report(), err=True)
        sys.exit(1)
    warn_if_index_mismatched(site, conf)
    publish_directory(site, conf)
    from generator.monitoring.daily import public_monitoring

    # The same automatic-monitoring figures a build would show (none without a store).
    return create_site_app(site, conf, public_monitoring(site, conf["monitoring_db"]))


def start_feedback(port: int, config: dict[str, Any]) -> None:
    """Run the feedback service on ``port`` in a background thread; print its demo accounts."""
    app, accounts = feedback_app(config)
    server = make_server(HOST, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"反馈服务: {config['FEEDBACK_URL']}")
    for role, login, password in accounts:
        click.echo(f"  演示账号 {role}: {login} / {password}")


def warn_if_index_mismatched(site: Site, conf: dict[str, Any]) -> bool:
    """Say so when the search index is missing or was made for another site."""
    from generator.search.identity import index_stamps, site_identity

    stamps = index_stamps(conf["search_index_dir"])
    if stamps is not None and stamps["site"] == site_identity(site):
        return False
    what = "尚未生成" if stamps is None else "与网站内容不一致"
    click.echo(
        f"注意：搜索索引 {conf['search_index_dir']} {what}，请先运行 yimatong build。", err=True
    )
    return True


@click.command("serve")
@click.option("--content", "content_dir", default=None, help="内容目录（默认 content/）。")
@click.option("--port", type=int, default=None, help=f"网站预览端口（默认 {SITE_PORT}）。")
@click.option(
    "--feedback-port", type=int, default=None, help=f"反馈服务端口（默认 {FEEDBACK_PORT}）。"
)
@click.option("--base-url", default=None, help="网站的公开地址（默认 http://127.0.0.1:端口）。")
@click.option(
    "--feedback-url", default=None, help="反馈服务的公开地址（默认 http://127.0.0.1:反馈端口）。"
)
@click.option("--build", "build_first", is_flag=True, help="先用同样的地址构建网站（build/site）。")
@click.option("--no-feedback", is_flag=True, help="只预览网站，不启动反馈服务。")
def serve_command(
    content_dir: str | None,
    port: int | None,
    feedback_port: int | None,
    base_url: str | None,
    feedback_url: str | None,
    build_first: bool,
    no_feedback: bool,
) -> None:
    """Preview the site (content loaded once at start) and run the feedback service beside it.

    The service reads the directory file written for the previewed content (beside the search
    index) and picks up the one of any later build without a restart.

    Both apps get the same two addresses: --base-url/--feedback-url, else --port/--feedback-port
    on 127.0.0.1, else YIMATONG_BASE_URL/YIMATONG_FEEDBACK_URL, else ports 8000 and 5000.
    """
    conf = settings_mod.resolve(preview_urls(port, feedback_port, base_url, feedback_url))
    content_dir = content_dir or conf["content_dir"]
    if build_first:
        from generator.build.run import build_and_report

        overrides = {"feedback_url": conf["feedback_url"]}
        build_and_report(content_dir, None, conf["base_url"], overrides=overrides)
    site = site_preview(content_dir, conf)
    if not no_feedback:
        start_feedback(feedback_port or FEEDBACK_PORT, service_config(conf))
    click.echo(f"网站预览: {conf['base_url']}")
    run_simple(HOST, port or SITE_PORT, site, use_reloader=False, use_debugger=False, threaded=True)
