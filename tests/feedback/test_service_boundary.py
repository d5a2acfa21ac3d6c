"""The build and the service exchange only published data: the generator never imports the
service, the service imports only the generator's shared modules, and `yimatong` finds the
service's commands through entry points."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: What of the generator the service may import (docs/feedback.md, "What the service reads").
SHARED = (
    "generator.clock",
    "generator.settings",
    "generator.urls",
    "generator.search",
    "generator.spreadsheet",
    "generator.directory.records",
)
#: The preview command composes the site app and the service, so it may import both.
COMPOSERS = {"feedback/preview.py"}


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, at any depth of the file (functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _shared(module: str) -> bool:
    return module == "generator" or any(module == s or module.startswith(s + ".") for s in SHARED)


def _offending(package: str, bad) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in COMPOSERS
        for line, module in imports(path)
        if bad(module)
    ]


def test_the_generator_never_imports_the_service():
    assert _offending("generator", lambda m: m.split(".")[0] == "feedback") == []


def test_the_service_imports_only_shared_generator_modules():
    def bad(module: str) -> bool:
        return module.split(".")[0] == "generator" and not _shared(module)

    assert _offending("feedback", bad) == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from generator.content.readers import load_site\n")
    assert (2, "generator.content.readers") in imports(sample)


def _run(*code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "\n".join(code)], capture_output=True, text=True, cwd=ROOT
    )


def test_commands_come_from_entry_points_and_load_when_used():
    listed = _run(
        "import sys",
        "from generator.cli import main",
        "names = main.list_commands(None)",
        "assert {'serve', 'feedback', 'build'} <= set(names), names",
        "assert not [m for m in sys.modules if m.split('.')[0] == 'feedback']",
        "print('ok')",
    )
    assert listed.returncode == 0 and listed.stdout.strip() == "ok", listed.stderr


def test_every_command_help_works():
    from click.testing import CliRunner

    from generator.cli import main

    for args in ([], ["serve"], ["feedback"], ["feedback", "open311"], ["build"]):
        done = CliRunner().invoke(main, [*args, "--help"])
        assert done.exit_code == 0, (args, done.output)
        assert "Usage:" in done.output
    top = CliRunner().invoke(main, ["--help"]).output
    assert "serve" in top and "feedback" in top
