"""Discovery, services, service definitions and the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, current_app, request

from feedback.open311.blueprint import bp
from feedback.open311.mapping import ATTRIBUTES, BY_CODE, SERVICES, service_row
from feedback.open311.render import error, respond

V2 = "/open311/v2"
FMT = "<any(xml,json):fmt>"
OPENAPI = Path(__file__).resolve().parent / "openapi.json"
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-25T00:00:00+08:00"


@bp.get(f"{V2}/discovery.{FMT}")
def discovery(fmt: str) -> Response:
    """Where the endpoint is and what it speaks."""
    endpoint = {
        "specification": SPEC,
        "url": request.url_root.rstrip("/") + V2,
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"生态环境问题请拨打 {current_app.config['HOTLINE']} 或在本系统网上举报。",
            "key_service": "API 密钥由系统管理员发放（yimatong feedback open311 create-key）。",
            "endpoints": [endpoint],
        },
    )


@bp.get(f"{V2}/services.{FMT}")
def services(fmt: str) -> Response:
    """One service per report category."""
    return respond(fmt, "services", [service_row(s) for s in SERVICES])


@bp.get(f"{V2}/services/<code>.{FMT}")
@bp.get(f"{V2}/service/<code>.{FMT}")
def definition(code: str, fmt: str) -> Response:
    """The extra attributes a service takes."""
    if code not in BY_CODE:
        return error(fmt, 404, f"没有服务 {code}，可用的服务见 services.{fmt}。")
    return respond(
        fmt, "service_definition", {"service_code": code, "attributes": list(ATTRIBUTES)}
    )


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of the JSON API (search and Open311)."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    document["servers"] = [{"url": request.url_root.rstrip("/")}]
    body = json.dumps(document, ensure_ascii=False)
    return Response(body, content_type="application/json; charset=utf-8")
