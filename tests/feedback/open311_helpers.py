"""Shared helpers for the Open311 tests: a live server, keys and OpenAPI validation."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import jsonschema
from werkzeug.serving import make_server

V2 = "/open311/v2"
REQS = "/open311/v2/requests.{format}"
#: The reporter's personal data used in filed reports; no API response may contain any of it.
PERSONAL = ("王小明", "13712345678", "wang@example.com", "我家住在糖厂宿舍3栋")

OPENAPI = json.loads(
    (Path(__file__).resolve().parents[2] / "feedback" / "open311" / "openapi.json").read_text()
)


class LiveServer:
    """The app served on loopback by werkzeug in a thread."""

    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def response_schema(path: str, method: str, status: int) -> dict[str, Any]:
    """The JSON schema the OpenAPI document gives for this response."""
    operation = OPENAPI["paths"][path][method]
    answer = operation["responses"][str(status)]
    if "$ref" in answer:  # #/components/responses/<name>
        answer = OPENAPI["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    media = answer["content"]["application/json"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": OPENAPI["components"],
        **media["schema"],
    }


def check_openapi(path: str, method: str, response: Any) -> Any:
    """Validate a real JSON response against the document; return its body."""
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, response_schema(path, method, response.status_code))
    return body
