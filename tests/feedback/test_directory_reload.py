"""The service knows units only from the directory file a build publishes, and picks up a
newer build's file without a restart (feedback/directory_file.py)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from feedback.directory_file import LiveDirectory
from feedback.open311.locate import coordinates
from generator.build.run import build
from generator.content.codes import make_uscc
from generator.directory.records import DirectoryData, DirectoryFileError, path_beside, write
from tests.directory_helpers import write_directory_file
from tests.feedback.conftest import BINYANG, FIXTURES, get_report, report_data

BASE_URL = "https://site.test"


def _new_unit(content: Path, serial: str = "MA5L3K2R8") -> str:
    """A unit copied from Binyang under a new valid code (its own county: 450126)."""
    record = yaml.safe_load((content / "units" / f"{BINYANG}.yaml").read_text(encoding="utf-8"))
    uscc = make_uscc(record["uscc"][:8] + serial)
    new = uscc + record["fixed_source_code"][18:]
    record.update(fixed_source_code=new, uscc=uscc, name="广西宾阳新建纸业有限公司")
    record["permit"]["number"] = new
    for penalty in record.get("penalties", []):
        penalty["decision_number"] += "-9"
    (content / "units" / f"{new}.yaml").write_text(
        yaml.safe_dump(record, allow_unicode=True), encoding="utf-8"
    )
    return new


def _build(content: Path, tmp: Path) -> None:
    overrides = {
        "cache_dir": str(tmp / "cache"),
        "search_index_dir": str(tmp / "search-index"),
        "stats_file": "",
    }
    build(content, tmp / "site", BASE_URL, jobs=1, progress=False, overrides=overrides)


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the fixture content, built once."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES, folder)
    _build(folder, tmp_path)
    return folder


def _service(make_app, tmp_path: Path, **config):
    """The service reading the directory file beside the build's search index."""
    index = str(tmp_path / "search-index")
    return make_app(DIRECTORY_FILE="", SEARCH_INDEX_DIR=index, DIRECTORY_CHECK_SECONDS=0, **config)


def test_a_unit_published_after_start_takes_reports_without_a_restart(make_app, tmp_path, content):
    app = _service(make_app, tmp_path)
    client = app.test_client()
    new = _new_unit(content)
    assert client.get(f"/report/{new}").status_code == 404
    _build(content, tmp_path)  # a build that ran after the service started
    page = client.get(f"/report/{new}")
    assert page.status_code == 200
    assert "新建纸业" in BeautifulSoup(page.data, "html.parser").select_one("main").text
    response = client.post(f"/report/{new}", data=report_data())
    assert response.status_code == 200
    number = BeautifulSoup(response.data, "html.parser").select_one(".tracking-number").text
    report = get_report(app, number)
    assert report.unit_code == new and report.body_id == "nn-binyang"
    with app.test_request_context():
        assert new in coordinates()  # Open311 places points by the new file too
        assert app.extensions["yimatong_site_id"] == app.extensions["yimatong_directory"].site_id


def test_a_service_started_before_any_build_waits_for_one(make_app, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = _service(make_app, tmp_path)
    assert app.extensions["yimatong_directory"].units == {}
    assert "尚不存在" in caplog.text
    client = app.test_client()
    assert client.get(f"/report/{BINYANG}").status_code == 404
    write_directory_file(path_beside(tmp_path / "search-index"))
    assert client.get(f"/report/{BINYANG}").status_code == 200


def test_a_broken_file_is_logged_and_the_last_directory_kept(make_app, tmp_path, content, caplog):
    app = _service(make_app, tmp_path)
    client = app.test_client()
    path = path_beside(tmp_path / "search-index")
    path.write_text('{"format": "yimatong-directory", "version": 1}\n{oops\n', encoding="utf-8")
    caplog.set_level(logging.ERROR)
    assert client.get(f"/report/{BINYANG}").status_code == 200  # still the old directory
    assert (
        str(path) in caplog.text
        and "第 2 行" in caplog.text
        and "仍使用上次读取的目录" in caplog.text
    )
    logged = caplog.text.count("仍使用上次读取的目录")
    client.get(f"/report/{BINYANG}")
    assert caplog.text.count("仍使用上次读取的目录") == logged  # once per file, not per request
    _build(content, tmp_path / "again")  # a good file again (another build, same content)
    shutil.copyfile(path_beside(tmp_path / "again" / "search-index"), path)
    assert client.get(f"/report/{BINYANG}").status_code == 200


def test_a_broken_file_at_start_refuses_to_start(make_app, tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(DirectoryFileError, match=str(path)):
        make_app(DIRECTORY_FILE=str(path))


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_file_is_checked_at_most_every_n_seconds(tmp_path):
    path = write_directory_file(tmp_path / "d.jsonl")
    clock = Clock()
    live = LiveDirectory(path, 5, logging.getLogger("test"), clock)
    first = live.load()
    write(path, DirectoryData("other", "", "450000"))  # a build replaced it: no units
    clock.now += 4
    assert live.current() is first  # not checked yet
    clock.now += 1
    assert live.current().units == {} and live.current().site_id == "other"
