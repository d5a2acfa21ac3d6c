"""scripts/apt-install waits for another package manager instead of failing at once (issue 13).

apt-get and sudo are replaced on PATH by small scripts that behave like apt-get does while
another process holds its lock (the message and exit status 100 of apt 2.6); the script under
test is the real one.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "apt-install"
LOCKED = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"
APT_GET = """#!/usr/bin/env bash
# Behaves like apt-get: "update" fails with a lock error while the counter is below LOCKED_FOR.
echo "$*" >> "$STUB_DIR/calls"
if [[ " $* " == *" update "* ]]; then
  n=$(cat "$STUB_DIR/count" 2>/dev/null || echo 0); echo $((n + 1)) > "$STUB_DIR/count"
  if [ -n "${BROKEN:-}" ]; then echo "E: The repository does not have a Release file." >&2; exit 100; fi
  if [ "$n" -lt "${LOCKED_FOR:-0}" ]; then echo "$LOCK_MESSAGE" >&2; exit 100; fi
fi
exit 0
"""


def run(
    tmp_path: Path, *packages: str, **env: str
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run scripts/apt-install with the stub apt-get; the result and the apt-get calls made."""
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    for name, text in (("apt-get", APT_GET), ("sudo", '#!/bin/sh\nexec "$@"\n')):
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    environ = {
        **os.environ,
        "PATH": f"{stubs}:{os.environ['PATH']}",
        "STUB_DIR": str(tmp_path),
        "LOCK_MESSAGE": LOCKED,
        "APT_RETRY_EVERY": "1",
        **env,
    }
    done = subprocess.run(
        [str(SCRIPT), *packages], env=environ, capture_output=True, text=True, timeout=60
    )
    calls = tmp_path / "calls"
    return done, calls.read_text().splitlines() if calls.exists() else []


def test_install_waits_for_the_dpkg_lock(tmp_path: Path) -> None:
    done, calls = run(tmp_path, "chromium", "poppler-utils")
    assert done.returncode == 0, done.stderr
    assert calls[-1] == "-o DPkg::Lock::Timeout=600 install -y -qq chromium poppler-utils"
    assert all(call.startswith("-o DPkg::Lock::Timeout=600 ") for call in calls)


@pytest.mark.parametrize("held", [1, 2])
def test_update_is_retried_while_the_lists_lock_is_held(tmp_path: Path, held: int) -> None:
    done, calls = run(tmp_path, "nodejs", LOCKED_FOR=str(held))
    assert done.returncode == 0, done.stderr
    assert [c for c in calls if "update" in c] == ["-o DPkg::Lock::Timeout=600 update -qq"] * (
        held + 1
    )
    assert calls[-1].endswith("install -y -qq nodejs")
    assert done.stderr.count("retrying in 1 s") == held


def test_gives_up_when_the_lock_is_never_released(tmp_path: Path) -> None:
    done, calls = run(tmp_path, "nodejs", LOCKED_FOR="99", APT_LOCK_WAIT="2")
    assert done.returncode != 0
    assert "still holds the apt lock after 2 s" in done.stderr
    assert len(calls) == 3 and not any("install" in c for c in calls)


def test_other_update_errors_stop_at_once(tmp_path: Path) -> None:
    done, calls = run(tmp_path, "nodejs", BROKEN="1")
    assert done.returncode != 0
    assert "Release file" in done.stderr and "retrying" not in done.stderr
    assert len(calls) == 1


def test_nothing_to_install_calls_nothing(tmp_path: Path) -> None:
    done, calls = run(tmp_path)
    assert done.returncode == 0 and calls == []
