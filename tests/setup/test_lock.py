"""The lock files pin, with hashes, every dependency pyproject.toml names (issue 17).

``scripts/setup`` installs from ``requirements/app.txt`` (or ``requirements/test.txt`` with
``--test``) with ``pip --require-hashes``, so a dependency added to pyproject.toml without
``scripts/lock`` would not be installed at all: this test fails first and names the command.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
APP_LOCK = ROOT / "requirements" / "app.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
BUILD_IN = ROOT / "requirements" / "build.in"
REFRESH = "运行 scripts/lock 并把 requirements/app.txt、requirements/test.txt 一起提交"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
_ENV = {"python_version": "3.11", "sys_platform": "linux", "platform_system": "Linux"}


def parse_lock(text: str) -> dict[str, tuple[str, set[str], int]]:
    """Pinned packages of a lock file: name -> (version, extras, number of hashes)."""
    found: dict[str, tuple[str, set[str], int]] = {}
    name = ""
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            name = canonicalize_name(match.group(1))
            extras = set(filter(None, (match.group(2) or "[]")[1:-1].split(",")))
            found[name] = (match.group(3), {e.strip() for e in extras}, 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            version, extras, hashes = found[name]
            found[name] = (version, extras, hashes + 1)
    return found


def lock_problems(requirements: list[str], lock: str, lock_name: str) -> list[str]:
    """Every requirement the lock text does not pin (with a hash, in range, with its extras)."""
    pins, problems = parse_lock(lock), []
    for text in requirements:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate(_ENV):
            continue
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"依赖 {text} 没有锁定在 {lock_name} 里：{REFRESH}")
            continue
        version, extras, hashes = pin
        if not req.specifier.contains(version, prereleases=True):
            problems.append(f"{lock_name} 锁定的 {req.name}=={version} 不满足 {text}：{REFRESH}")
        if not hashes:
            problems.append(f"{lock_name} 里的 {req.name}=={version} 没有哈希：{REFRESH}")
        if not req.extras <= extras:
            missing = ",".join(sorted(req.extras - extras))
            problems.append(f"{lock_name} 里的 {req.name} 缺少附加项 [{missing}]：{REFRESH}")
    return problems


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _build_requirements() -> list[str]:
    lines = BUILD_IN.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_the_app_lock_pins_every_dependency_with_hashes() -> None:
    # The postgresql extra too: a deployment on PostgreSQL (the database, the search engine)
    # installs from the app lock alone.
    project = _project()
    wanted = project["dependencies"] + project["optional-dependencies"]["postgresql"]
    wanted += _build_requirements()
    assert lock_problems(wanted, APP_LOCK.read_text(encoding="utf-8"), "requirements/app.txt") == []


def test_the_test_lock_pins_the_dependencies_and_the_test_extra() -> None:
    project = _project()
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + extras["postgresql"] + extras["test"]
    text = TEST_LOCK.read_text(encoding="utf-8")
    assert lock_problems(wanted + _build_requirements(), text, "requirements/test.txt") == []


def test_both_locks_install_the_same_versions_of_the_app() -> None:
    app, test = parse_lock(APP_LOCK.read_text()), parse_lock(TEST_LOCK.read_text())
    differ = {n: (v[0], test[n][0]) for n, v in app.items() if n in test and test[n][0] != v[0]}
    assert differ == {}, f"两个锁文件的版本不一致 {differ}：{REFRESH}"
    assert set(app) <= set(test)


def test_every_pinned_package_has_a_hash() -> None:
    for lock in (APP_LOCK, TEST_LOCK):
        unhashed = [n for n, (_v, _e, h) in parse_lock(lock.read_text()).items() if not h]
        assert unhashed == [], f"{lock.name}: {unhashed}"


def test_the_build_backend_is_locked_as_pyproject_requires_it() -> None:
    system = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert {canonicalize_name(Requirement(r).name) for r in system} <= {
        canonicalize_name(Requirement(r).name) for r in _build_requirements()
    }


LOCK = """\
flask==3.1.0 \\
    --hash=sha256:aaaa
    # via yimatong (pyproject.toml)
moto[server]==5.2.5 \\
    --hash=sha256:bbbb \\
    --hash=sha256:cccc
"""


@pytest.mark.parametrize(
    ("requirement", "said"),
    [
        ("pypinyin>=0.50", "依赖 pypinyin>=0.50 没有锁定在 app.txt 里"),
        ("Flask>=3.2", "锁定的 Flask==3.1.0 不满足 Flask>=3.2"),
        ("moto[server,s3]>=5", "缺少附加项 [s3]"),
        ("flask_wtf>=1.2", "依赖 flask_wtf>=1.2 没有锁定"),
    ],
)
def test_a_dependency_added_without_refreshing_the_lock_is_named(
    requirement: str, said: str
) -> None:
    problems = lock_problems(["flask>=3.0", "moto[server]>=5.0", requirement], LOCK, "app.txt")
    assert len(problems) == 1 and said in problems[0]
    assert "scripts/lock" in problems[0]


def test_an_unhashed_pin_and_a_marker_for_another_platform() -> None:
    lock = "flask==3.1.0\n"
    assert "没有哈希" in lock_problems(["flask"], lock, "app.txt")[0]
    assert lock_problems(['pywin32>=300; sys_platform == "win32"'], lock, "app.txt") == []
    assert parse_lock(LOCK)["moto"] == ("5.2.5", {"server"}, 2)
