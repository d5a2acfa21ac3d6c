"""Application factory of the feedback service."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    render_template,
    request,
    send_from_directory,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy import event

from feedback import favicon, mail, security
from feedback.config import from_env
from feedback.directory import Directory
from feedback.directory_file import LiveDirectory, directory_path
from feedback.extensions import csrf, db, login_manager
from feedback.inspections import checklist
from feedback.storage import StorageError, make_storage
from generator import assets

#: The service's own assets live under a path the static host proxies to the service,
#: so they never collide with the published site's /static/ folder.
STATIC_URL_PATH = "/fb-static"
SITE_STATIC = assets.static_dir()
CSP = "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"


def _blueprints() -> dict[str, list[Blueprint]]:
    """Blueprints by audience."""
    import feedback.ledger.models  # noqa: F401  (registers the ledger tables)
    import feedback.reminders  # noqa: F401  (registers the permit reminders' table)
    import feedback.warnings.models  # noqa: F401  (registers the warnings tables)
    from feedback.draws.views import bp as draws_bp
    from feedback.open311 import admin as open311_admin
    from feedback.open311.api import bp as open311_bp
    from feedback.search.views import bp as search_bp
    from feedback.views import (
        enterprise,
        follow,
        inspections,
        ledger_enterprise,
        ledger_officer,
        monthly,
        officer,
        public,
        warnings_enterprise,
        warnings_officer,
    )

    return {
        "public": [public.bp, search_bp, follow.bp],
        "officer": [
            officer.bp,
            inspections.bp,
            monthly.bp,
            open311_admin.bp,
            ledger_officer.bp,
            warnings_officer.bp,
            draws_bp,
        ],
        "enterprise": [enterprise.bp, ledger_enterprise.bp, warnings_enterprise.bp],
        "api": [open311_bp],
    }


def _secret_key(app: Flask) -> str:
    """A secret kept in the instance folder, for development when none is set.

    Several workers starting at once must end with one secret (a session cookie one signed is
    read by another): the file is written whole under a temporary name and linked into place,
    which fails for all but the first; the others read the winner's.
    """
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _configure(app: Flask, config: dict[str, Any] | None) -> None:
    values = {**from_env(), **(config or {})}
    app.config.update(security.cookie_settings(bool(values["PRODUCTION"])))
    app.config.update(values)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    security.check(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(app)
    url = (
        app.config.get("DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'feedback.sqlite3'}"
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    per_file = app.config["MAX_PHOTO_MB"] * 1_000_000
    app.config["MAX_CONTENT_LENGTH"] = per_file * app.config["MAX_PHOTOS"] + 2_000_000
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL journal and foreign keys on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _use_directory(app: Flask, directory: Directory) -> None:
    app.extensions["yimatong_directory"] = directory
    # The search refuses an index made for another site (feedback/search/__init__.py).
    app.extensions["yimatong_site_id"] = directory.site_id


def _load_directory(app: Flask) -> None:
    """Read the directory file at start, and again before a request when a build replaced it."""
    try:
        every = float(app.config["DIRECTORY_CHECK_SECONDS"])
    except (TypeError, ValueError):
        raise ValueError("DIRECTORY_CHECK_SECONDS 应为秒数（数字）。") from None
    live = LiveDirectory(directory_path(app.config), every, app.logger)
    app.extensions["yimatong_live_directory"] = live
    _use_directory(app, live.load())

    def refresh() -> None:
        directory = live.current()
        if directory is not app.extensions["yimatong_directory"]:
            _use_directory(app, directory)

    app.before_request(refresh)


def _security_headers(response):  # type: ignore[no-untyped-def]
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Private links carry a secret token: never leak it through Referer.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    audiences = current_app.config["BLUEPRINTS"]
    private = audiences.get("officer", []) + audiences.get("enterprise", [])
    if request.blueprint in private:
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _close_uploads(_exc: BaseException | None) -> None:
    """Close spooled upload files at the end of each request.

    Only files already parsed: touching ``request.files`` of a refused (413) body would parse
    it again and turn the friendly 413 into a 500.
    """
    if has_request_context():
        files = request.__dict__.get("files")
        for _name, upload in files.items(multi=True) if files else ():
            upload.close()  # every file of a field, not only the first .values() gives


def _site_css():  # type: ignore[no-untyped-def]
    """The static site's stylesheet, so the service looks like the site."""
    if not (SITE_STATIC / "site.css").is_file():
        return "", 200, {"Content-Type": "text/css"}
    return send_from_directory(SITE_STATIC, "site.css")


TOO_LARGE = (
    "提交的内容太大（照片每张不超过 {mb} MB，最多 {n} 张），没有保存。"
    "请按浏览器的“返回”键回到表单（填写的文字通常还在），压缩或减少照片后重新提交。"
)


def _too_large(_error: Exception):  # type: ignore[no-untyped-def]
    """413 as a page, or as an Open311 error list on API paths (JSON unless the path is .xml)."""
    config = current_app.config
    message = TOO_LARGE.format(mb=config["MAX_PHOTO_MB"], n=config["MAX_PHOTOS"])
    if request.path.startswith(("/open311/", "/api/")):
        from feedback.open311.render import error

        return error("xml" if request.path.endswith(".xml") else "json", 413, message)
    return render_template("error.html", code=413, message=message), 413


def _errors(app: Flask) -> None:
    def page(code: int, message: str):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=code, message=message), code

    app.register_error_handler(403, lambda e: page(403, "您无权查看或办理此案件。"))
    app.register_error_handler(404, lambda e: page(404, "页面不存在，请检查地址或受理编号。"))
    app.register_error_handler(413, _too_large)
    app.register_error_handler(
        StorageError, lambda e: page(503, "文件存储暂时不可用，请过几分钟再试。")
    )
    app.register_error_handler(429, lambda e: page(429, "提交太频繁，请稍后再试。"))
    app.register_error_handler(
        CSRFError,
        lambda e: page(
            400, "表单已过期或来源不明，请返回上一页刷新后重新提交（填写的内容可能需要重新输入）。"
        ),
    )


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the feedback service; ``config`` overrides settings (see feedback.config)."""
    instance = (config or {}).get("INSTANCE_PATH") or from_env()["INSTANCE_PATH"] or None
    app = Flask(
        __name__,
        static_url_path=STATIC_URL_PATH,
        instance_path=str(Path(instance).resolve()) if instance else None,
    )
    _configure(app, config)
    security.init_app(app)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    _load_directory(app)
    app.extensions["yimatong_checklist"] = checklist.load(app.config["INSPECTION_CHECKLIST"])
    app.extensions["yimatong_storage"] = make_storage(app.config, app.instance_path)
    app.config["BLUEPRINTS"] = {}
    for audience, blueprints in _blueprints().items():
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
        app.config["BLUEPRINTS"][audience] = [b.name for b in blueprints]
    app.after_request(_security_headers)
    app.teardown_request(_close_uploads)
    _errors(app)
    from feedback import timefmt, views

    views.init_app(app)
    timefmt.init_app(app)
    app.add_url_rule(f"{STATIC_URL_PATH}/site.css", "site_css", _site_css)
    favicon.init_app(app, STATIC_URL_PATH)
    return app
