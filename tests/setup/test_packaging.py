"""A normal, non-editable ``pip install .`` builds the site and runs the service (issue 14).

The package is installed from a copy of the checkout into a folder of its own; the check then
runs in a fresh interpreter whose editable-install finder is taken out, so every module and
every template, asset and data file comes from the installed copy, never from the checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
#: What a copy of the checkout leaves out: the top level's local folders, and caches anywhere.
LOCAL = {".venv", "node_modules", "build", "test-artifacts", ".git", "instance"}


def _skip(folder: str, names: list[str]) -> set[str]:
    top = LOCAL if Path(folder) == ROOT else set()
    return {n for n in names if n in top or n == "__pycache__" or n.endswith(".egg-info")}


#: Runs inside the installed copy: build the fixture content, then serve it.
CHECK = r"""
import json, sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in repr(h).lower()]
sys.path_importer_cache.clear()
target, content, work = sys.argv[1:4]
sys.path.insert(0, target)
import generator, feedback, yimatong_site
from click.testing import CliRunner
from generator.build.command import build_command
from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.migrate import upgrade

env = {"YIMATONG_CACHE_DIR": work + "/cache", "YIMATONG_SEARCH_INDEX_DIR": work + "/index",
       "YIMATONG_STATS_FILE": ""}
built = CliRunner().invoke(build_command, ["--content", content, "--out", work + "/site",
                           "--base-url", "https://example.org", "--jobs", "1"], env=env)
app = create_app({**TEST_CONFIG, "CONTENT_DIR": content, "SEARCH_INDEX_DIR": work + "/index",
                  "INSTANCE_PATH": work + "/instance"})
upgrade(app)
client = app.test_client()
pages = {path: client.get(path) for path in
         ("/report", "/api/openapi.json", "/fb-static/site.css", "/fb-static/favicon.svg", "/api/search?q=宾阳")}
print(json.dumps({
    "files": [generator.__file__, feedback.__file__, *yimatong_site.__path__],
    "build": [built.exit_code, built.output[-500:]],
    "status": {path: r.status_code for path, r in pages.items()},
    "openapi": pages["/api/openapi.json"].get_json()["openapi"],
}))
"""


def _declared() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]


def test_every_package_folder_is_declared():
    """A new package folder must join the list, or a normal install silently lacks it."""
    folders = sorted(
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("generator", "feedback")
        for init in (ROOT / top).rglob("__init__.py")
        if "migrations" not in init.parts
    )
    declared = _declared()
    assert sorted(p for p in declared if p != "yimatong_site") == folders
    assert (ROOT / "site" / "templates").is_dir()


def test_a_normal_install_builds_and_serves(tmp_path):
    """Install from a copy, build fixture content with it, serve pages, assets and the API."""
    source, target, work = tmp_path / "source", tmp_path / "installed", tmp_path / "work"
    shutil.copytree(ROOT, source, ignore=_skip)
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    subprocess.run([*install, str(source)], check=True, cwd=tmp_path, timeout=600)
    assert not (target / "site").exists(), "site/ must install as yimatong_site, not as 'site'"
    run = subprocess.run(
        [sys.executable, "-c", CHECK, str(target), str(FIXTURES), str(work)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert all(path.startswith(str(target)) for path in report["files"]), report["files"]
    assert report["build"][0] == 0, report["build"][1]
    assert (work / "site" / "index.html").is_file()
    assert report["status"] == {
        "/report": 200,
        "/api/openapi.json": 200,
        "/fb-static/site.css": 200,
        "/fb-static/favicon.svg": 200,
        "/api/search?q=宾阳": 200,
    }
    assert report["openapi"].startswith("3.")
