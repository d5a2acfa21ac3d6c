"""The import rules of pyproject.toml hold, and the checker catches what they forbid (issue 14).

``lint-imports`` (import-linter) reads the contracts in pyproject.toml: no import cycle between
or inside packages (imports inside functions and package ``__init__`` files count), the stages
import only the stages below them, the build never imports the service, and the service imports
no content, build or page code. scripts/test runs it too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

PLANTED = """
[tool.importlinter]
root_packages = ["planted"]

[[tool.importlinter.contracts]]
name = "No import cycles"
type = "acyclic_siblings"
ancestors = ["planted"]
"""


def _lint(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), str(config), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_project_keeps_every_contract(tmp_path):
    run = _lint(ROOT / "pyproject.toml", ROOT)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "Contracts: 4 kept, 0 broken." in run.stdout


def test_a_cycle_through_an_import_inside_a_function_is_caught(tmp_path):
    package = tmp_path / "planted"
    (package / "stage").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A package with a hidden circle."""\n')
    (package / "stage" / "__init__.py").write_text("")
    (package / "stage" / "a.py").write_text("from planted.stage import b\n")
    (package / "stage" / "b.py").write_text("def later():\n    from planted.stage import a\n")
    (tmp_path / "contracts.toml").write_text(PLANTED)
    run = _lint(tmp_path / "contracts.toml", tmp_path)
    assert run.returncode == 1, run.stdout
    assert "BROKEN" in run.stdout and ".a" in run.stdout and ".b" in run.stdout
