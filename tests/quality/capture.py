"""Keep what the feedback service sent to the browser, for the HTML checker and axe-core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.validators import ROOT, AxeViolation, axe_violations

SERVICE_HTML = ROOT / "test-artifacts" / "quality" / "service"


class PageRecorder:
    """A journey checkpoint: saves each page's HTML as served and runs axe-core on it."""

    def __init__(self, folder: Path = SERVICE_HTML) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.html"):
            old.unlink()
        self.documents: dict[int, list[Any]] = {}
        self.files: list[Path] = []
        self.violations: list[AxeViolation] = []

    def watch(self, page: Any) -> Any:
        """Record every main-frame document ``page`` receives; returns the page."""
        log = self.documents.setdefault(id(page), [])

        def on_response(response: Any) -> None:
            request = response.request
            if request.resource_type == "document" and response.frame == page.main_frame:
                log.append(response)

        page.on("response", on_response)
        return page

    def served_html(self, page: Any) -> str:
        """The body of the last document the server sent to ``page`` (not a redirect)."""
        for response in reversed(self.documents.get(id(page), [])):
            if not 300 <= response.status < 400:
                return response.text()
        return page.content()

    def __call__(self, page: Any, step: str) -> None:
        """Save the page under ``step`` and check it with axe-core."""
        name = re.sub(r"[^\w.-]+", "_", step)
        path = self.folder / f"{len(self.files) + 1:02d}-{name}.html"
        path.write_text(self.served_html(page), encoding="utf-8")
        self.files.append(path)
        self.violations += axe_violations(page, step)
