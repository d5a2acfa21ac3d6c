"""``yimatong serve``: live preview of the site app, with the feedback service beside it."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import click
from flask import Flask
from werkzeug.serving import make_server, run_simple

from . import settings as settings_mod
from .problems import ContentError
from .site_app import create_site_app

HOST = "127.0.0.1"


def feedback_app() -> tuple[Flask, list[tuple[str, str, str]]]:
    """The feedback service and its demo accounts; a clear error if it is not there."""
    try:
        from feedback.app import create_app
        from feedback.demo import ensure_demo
    except ImportError as error:
        raise click.ClickException(
            f"反馈服务尚不可用（{error}）。可加 --no-feedback 只预览网站。"
        ) from error
    app = create_app()
    return app, ensure_demo(app)


def site_preview(content_dir: str, conf: dict[str, Any]) -> Flask:
    """The site app over content loaded once; exits with the problems if content is invalid."""
    from .readers import load_site

    try:
        site = load_site(content_dir, stats_file=conf["stats_file"] or None)
    except ContentError as error:
        click.echo(error.report(), err=True)
        sys.exit(1)
    warn_if_index_mismatched(site, conf)
    return create_site_app(site, conf)


def warn_if_index_mismatched(site: Any, conf: dict[str, Any]) -> bool:
    """Say so when the search index was made for another site (search would refuse it)."""
    from .searchid import index_stamps, site_identity

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
@click.option("--port", default=8000, show_default=True, help="网站预览端口。")
@click.option("--feedback-port", default=5000, show_default=True, help="反馈服务端口。")
@click.option("--no-feedback", is_flag=True, help="只预览网站，不启动反馈服务。")
def serve_command(
    content_dir: str | None, port: int, feedback_port: int, no_feedback: bool
) -> None:
    """Preview the site (content loaded once at start) and run the feedback service beside it."""
    site_url, feedback_url = f"http://{HOST}:{port}", f"http://{HOST}:{feedback_port}"
    defaults = {"base_url": site_url, "feedback_url": feedback_url}
    # The preview's own addresses, unless the environment sets them.
    conf = settings_mod.resolve(
        {k: v for k, v in defaults.items() if os.environ.get(f"YIMATONG_{k.upper()}") is None}
    )
    site = site_preview(content_dir or conf["content_dir"], conf)
    if not no_feedback:
        app, accounts = feedback_app()
        server = make_server(HOST, feedback_port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        click.echo(f"反馈服务: {conf['feedback_url']}")
        for role, login, password in accounts:
            click.echo(f"  演示账号 {role}: {login} / {password}")
    click.echo(f"网站预览: {conf['base_url']}")
    run_simple(HOST, port, site, use_reloader=False, use_debugger=False, threaded=True)
