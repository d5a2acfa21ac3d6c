"""GeoReport v2 output: XML (required) and JSON (arrays at the root), and the error lists."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from flask import Response

XML = "text/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
#: XML element of each item inside a list element, per the specification.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(element, key, inner)
    elif isinstance(value, list):
        for item in value:
            _fill(element, ITEMS.get(name, "item"), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: dict[str, Any] | list[Any]) -> bytes:
    """The document ``<root>`` holding ``value`` (a list becomes repeated item elements)."""
    element = ET.Element(root)
    items = value if isinstance(value, list) else None
    if items is None:
        for key, inner in value.items():  # type: ignore[union-attr]
            _fill(element, key, inner)
    else:
        for item in items:
            _fill(element, ITEMS[root], item)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, value: dict[str, Any] | list[Any], status: int = 200) -> Response:
    """The response in the asked format; JSON keeps the list itself at the root."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False)
        return Response(body, status=status, content_type=JSON)
    return Response(to_xml(root, value), status=status, content_type=XML)


def error(fmt: str, status: int, description: str, *more: str) -> Response:
    """An error list of {code, description}, one per problem, as the specification shows."""
    found = [{"code": status, "description": d} for d in (description, *more)]
    return respond(fmt, "errors", found, status)
