"""The site app: a Flask app over a loaded Site whose pages the build freezes to files."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, render_template

from generator import assets, urls
from generator.amounts import amount_text, yuan
from generator.content.model import Site
from generator.pages.automatic import EMPTY, PublicMonitoring
from generator.pages.maps import map_links
from generator.pages.nearby import nearby_settings
from generator.pages.outputs import page_paths, register_all, site_outputs
from generator.pages.views.common import build_catalog
from generator.pages.views.pages import page_path

TEMPLATES = assets.templates_dir()
STATIC = assets.static_dir()

#: The Content-Security-Policy the published site is served with (see netlify.toml).
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'"


def fingerprinted(static_dir: Path = STATIC) -> dict[str, str]:
    """Map each static file name to its fingerprinted name, e.g. site.css -> site.1a2b3c4d.css."""
    names = {}
    for path in sorted(static_dir.iterdir()):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            names[path.name] = f"{path.stem}.{digest}{path.suffix}"
    return names


#: The filters the site's templates use (any app or environment rendering them adds these).
FILTERS = {"yuan": yuan, "amount": amount_text}


def install_globals(app: Flask, site_title: str, settings: dict[str, Any]) -> None:
    """Give templates extending base.html what it needs (usable by other Flask apps too)."""
    assets = fingerprinted()
    app.jinja_env.globals.update(
        site_title=site_title,
        hotline=settings.get("hotline", "12369"),
        base_url=settings.get("base_url", "").rstrip("/"),
        search_url=settings["feedback_url"].rstrip("/") + "/search",
        report_home=urls.report_url(settings["feedback_url"]),
        asset=lambda name: f"/static/{assets[name]}",
        unit_path=urls.unit_path,
        outlet_path=urls.outlet_path,
        map_links=map_links,
        # The header and footer the service shows too (site/templates/shared/_chrome.html).
        menu=urls.chrome_links(urls.MENU, "", settings["feedback_url"]),
        footer_links=urls.chrome_links(urls.FOOTER_LINKS, "", settings["feedback_url"]),
        nav_links=[],
    )
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _serve_asset(name: str) -> Response:
    for real, fingerprint in fingerprinted().items():
        if fingerprint == name:
            mimetype = mimetypes.guess_type(real)[0] or "application/octet-stream"
            return Response((STATIC / real).read_bytes(), mimetype=mimetype)
    abort(404)


def create_site_app(
    site: Site, settings: dict[str, Any], monitoring: PublicMonitoring | None = None
) -> Flask:
    """A Flask app rendering every public page of ``site`` (templates in site/templates),
    with what ``monitoring`` holds of automatic monitoring (none when not given)."""
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=None)
    app.config["TEMPLATES_AUTO_RELOAD"] = False
    app.extensions["yimatong.site"] = site
    app.extensions["yimatong.settings"] = settings
    cat = app.extensions["yimatong.catalog"] = build_catalog(site)
    cat.monitoring = monitoring or EMPTY
    cat.nearby_conf = nearby_settings(settings)
    app.extensions["yimatong.page_paths"] = lambda: page_paths(cat, site_outputs(cat, settings))
    install_globals(app, site.title, settings)
    pages = sorted(site.pages, key=lambda p: (p.order, p.slug))
    app.jinja_env.globals["nav_pages"] = pages
    app.jinja_env.globals["nav_links"] = [(p.title, page_path(p.slug)) for p in pages]
    app.jinja_env.globals["issuer"] = site.issuer
    app.add_url_rule("/static/<name>", "asset", _serve_asset)
    register_all(app)

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        return render_template("404.html"), 404

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        return response

    return app
