"""Every Open311 error as GeoReport's error list, and cross-origin reads of the public GETs.

Errors raised while routing (an unknown format such as ``services.csv``, a path that does
not exist, a method the path does not take) never reach a view, so they are caught before
the request is dispatched; errors raised inside a view (a body too large) by the blueprint's
handlers. Both answer in XML when the path asked for ``.xml`` and in JSON otherwise.
"""

from __future__ import annotations

import json

from flask import Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from feedback.open311.blueprint import bp
from feedback.open311.render import JSON, error

PREFIX = "/open311/"
API = "/api/"
FORMATS = ("xml", "json")
#: Public reads that browser apps on other origins may make: Open311 GETs, the document, search.
PUBLIC_READS = (PREFIX, "/api/openapi.json", "/api/search")
READ_METHODS = ("GET", "HEAD")
#: Status codes the Open311 endpoints answer with an error list (docs/open311.md).
CODES = (400, 403, 404, 405, 413, 429, 500)
MESSAGES = {
    400: "请求有误。",
    403: "无权访问。",
    404: "没有这个地址。Open311 接口的地址见 discovery.json。",
    405: "该地址不接受 {method} 请求，可用的方法：{allowed}。",
    413: "请求太大。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试。",
}


def asked_format(path: str) -> str:
    """``xml`` when the path ends in .xml (any case), else ``json``: the format of an error."""
    return "xml" if path.lower().endswith(".xml") else "json"


def _extension(path: str) -> str:
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[1] if "." in last else ""


def _not_found_message(path: str) -> str:
    extension = _extension(path)
    if extension not in FORMATS:
        shown = f"“.{extension}”" if extension else "格式后缀"
        return f"不支持{shown}：Open311 接口只有 .xml 和 .json 两种格式，例如 services.json。"
    return MESSAGES[404]


def _message(exc: HTTPException, not_found: str) -> str:
    code = exc.code or 500
    if isinstance(exc, MethodNotAllowed):
        allowed = sorted(set(exc.valid_methods or ()) - {"OPTIONS"})
        return MESSAGES[405].format(method=request.method, allowed="、".join(allowed))
    if isinstance(exc, NotFound):
        return not_found
    return MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])


def _with_allow(response: Response, exc: HTTPException) -> Response:
    """A 405 names the methods the path takes in its Allow header."""
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


def error_list(exc: HTTPException) -> Response:
    """The GeoReport error list for an HTTP error on an Open311 path."""
    message = _message(exc, _not_found_message(request.path))
    return _with_allow(error(asked_format(request.path), exc.code or 500, message), exc)


def api_error(exc: HTTPException) -> Response:
    """The JSON API's error object (as /api/search answers) for an HTTP error under /api/."""
    code = exc.code or 500
    names = {404: "not_found", 405: "method_not_allowed"}
    message = _message(exc, "没有这个地址。JSON 接口见 /api/openapi.json。")
    body = {"error": {"code": names.get(code, "bad_request"), "message": message}}
    response = Response(json.dumps(body, ensure_ascii=False), code, content_type=JSON)
    return _with_allow(response, exc)


@bp.before_app_request
def _routing_error() -> Response | None:
    """Answer a routing failure under /open311/ or /api/ before the HTML error page can."""
    exc = request.routing_exception
    if exc is None or isinstance(exc, RequestRedirect):
        return None
    if request.path.startswith(PREFIX):
        return error_list(exc)
    if request.path.startswith(API):
        return api_error(exc)
    return None


for _code in CODES:  # errors raised inside the views (a body too large, …)
    bp.register_error_handler(_code, error_list)


@bp.after_app_request
def _cross_origin(response: Response) -> Response:
    """Let any origin read public GETs; POSTs and everything behind a key stay same-origin."""
    if not request.path.startswith(PUBLIC_READS):
        return response
    if request.method in READ_METHODS:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif request.method == "OPTIONS":  # a preflight: only reads are allowed
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
