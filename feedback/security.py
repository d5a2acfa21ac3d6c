"""Cookies, HSTS, trusted proxy hops and the checks that refuse an unsafe production start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from feedback.emails import BadAddress, normalize_address

HSTS = "max-age=31536000; includeSubDomains"
MIN_SECRET_LENGTH = 32
#: Tracking numbers are looked up upper-cased (feedback/cases.py): the prefix must be too.
CASE_PREFIX = re.compile(r"[A-Z]{1,4}")
#: Secrets that appear in this repository or in tutorials; never good enough for production.
KNOWN_SECRETS = frozenset({"test-secret", "dev", "development", "secret", "changeme", "change-me"})


class SettingsError(RuntimeError):
    """Settings the service refuses to start with; the message lists every problem."""


def cookie_settings(production: bool) -> dict[str, Any]:
    """Session and remember-me cookie flags (set explicitly: Flask's own defaults are None)."""
    return {
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
    }


def _secret_problems(app: Flask) -> list[str]:
    secret = app.config.get("SECRET_KEY") or ""
    dev_file = Path(app.instance_path) / "secret_key"
    if not secret:
        return ["生产模式必须设置 YIMATONG_SECRET_KEY（不能用实例文件夹里自动生成的开发密钥）。"]
    if dev_file.is_file() and dev_file.read_text().strip() == secret:
        return ["YIMATONG_SECRET_KEY 与实例文件夹里的开发密钥 secret_key 相同，请另设一个。"]
    if secret.lower() in KNOWN_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        return [
            f"YIMATONG_SECRET_KEY 太弱：请用至少 {MIN_SECRET_LENGTH} 个字符的随机串"
            "（例如 python -c 'import secrets; print(secrets.token_hex(32))'）。"
        ]
    return []


def problems(app: Flask) -> list[str]:
    """Every reason the configured service must not start, in plain Chinese."""
    found = []
    try:
        if not normalize_address(app.config["MAIL_FROM"]):
            found.append("YIMATONG_MAIL_FROM 不能为空：发件地址要写成 name@example.com。")
    except BadAddress as exc:
        found.append(f"YIMATONG_MAIL_FROM：{exc}")
    prefix = app.config["CASE_PREFIX"]
    if not isinstance(prefix, str) or not CASE_PREFIX.fullmatch(prefix):
        found.append(
            f"YIMATONG_CASE_PREFIX 应为 1 到 4 个大写英文字母（如 GX、JL），实为“{prefix}”。"
        )
    if app.config["PROXY_HOPS"] < 0:
        found.append("YIMATONG_PROXY_HOPS 不能为负数（0 表示不信任任何代理头）。")
    if app.config["PRODUCTION"]:
        found += _secret_problems(app)
        if app.debug:
            found.append("生产模式不能开启调试（FLASK_DEBUG / DEBUG），调试页面可执行任意代码。")
    return found


def check(app: Flask) -> None:
    """Raise SettingsError listing every problem, before anything is served."""
    found = problems(app)
    if found:
        raise SettingsError("反馈服务拒绝启动：\n" + "\n".join(f"- {p}" for p in found))


def _hsts(response):  # type: ignore[no-untyped-def]
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Trust exactly PROXY_HOPS proxies' forwarding headers; HSTS in production."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    if app.config["PRODUCTION"]:
        app.after_request(_hsts)
