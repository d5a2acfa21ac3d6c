"""Web-standard checks: the Nu HTML Checker (vnu-jar) and axe-core, both from npm."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SERIOUS = ("serious", "critical")


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or None when Debian's Chromium is installed."""
    if not Path(CHROMIUM).is_file():
        return "没有安装 Chromium（Debian 软件包 chromium，由 scripts/setup --test 安装）"
    return None


def java_missing() -> str | None:
    """Why the Nu HTML Checker cannot run here, or None when Java is installed."""
    if shutil.which("java") is None:
        return "没有安装 Java（Debian 软件包 default-jre-headless，由 scripts/setup --test 安装）"
    return None


def ensure_npm_tools() -> None:
    """Install vnu-jar, axe-core and lighthouse with scripts/e2e-setup if they are missing."""
    if VNU_JAR.is_file() and AXE_JS.is_file():
        return
    subprocess.run([str(ROOT / "scripts" / "e2e-setup")], check=True, cwd=ROOT)


@dataclass(frozen=True, slots=True)
class HtmlError:
    """One error the Nu HTML Checker found in a file."""

    file: str
    line: int
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message} [{self.extract.strip()[:80]}]"


def vnu_errors(files: list[Path]) -> list[HtmlError]:
    """Every error vnu reports for ``files`` (one Java run for all of them)."""
    if not files:
        return []
    cmd = ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always"]
    done = subprocess.run(cmd + [str(f) for f in files], capture_output=True, text=True, check=True)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [
        HtmlError(
            file=m.get("url", "").removeprefix("file:"),
            line=m.get("lastLine", 0),
            message=m.get("message", ""),
            extract=m.get("extract", ""),
        )
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def summarize(errors: list[HtmlError]) -> str:
    """One line per distinct message (digits folded) with the files that have it."""
    by_message: dict[str, list[str]] = {}
    for e in errors:
        key = re.sub(r"\d+", "N", e.message)
        by_message.setdefault(key, []).append(f"{Path(e.file).name}:{e.line}")
    lines = []
    for message, where in by_message.items():
        lines.append(f"{message}\n    in {len(where)} places: {', '.join(where[:8])}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class AxeViolation:
    """One serious or critical axe-core rule violation on a page."""

    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.targets[:3])
        return f"{self.page}: {self.rule} ({self.impact}) {self.help} at {where}"


def axe_violations(page, name: str) -> list[AxeViolation]:
    """Serious and critical axe-core violations on the page open in ``page`` (Playwright)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v.get("impact") not in SERIOUS:
            continue
        targets = tuple(" ".join(map(str, n.get("target", []))) for n in v.get("nodes", []))
        found.append(AxeViolation(name, v["id"], v["impact"], v["help"], targets))
    return found
