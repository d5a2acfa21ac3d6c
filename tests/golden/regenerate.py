"""Regenerate tests/golden/expected/ from the fixture content (run only on purpose).

.venv/bin/python -m tests.golden.regenerate
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .golden import EXPECTED, build_golden


def main() -> None:
    """Rebuild the golden tree and replace the checked-in one."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_golden(out, Path(tmp) / "cache")
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        shutil.copytree(out, EXPECTED)
    count = sum(1 for p in EXPECTED.rglob("*") if p.is_file())
    print(f"golden build regenerated: {count} files in {EXPECTED}")


if __name__ == "__main__":
    main()
