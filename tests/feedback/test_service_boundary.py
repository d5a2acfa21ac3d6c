"""`yimatong` finds the service's commands through entry points and loads them when used.

Which modules may import which is held by the import rules (pyproject.toml, lint-imports;
tests/test_import_rules.py): the generator never imports the service, the service no content,
build, page or open-data code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
