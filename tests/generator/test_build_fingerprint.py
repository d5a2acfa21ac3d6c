"""Nothing changed: the build compares the fingerprint of its inputs with the last build's
before loading anything, and stops at once writing nothing (generator/build/fingerprint.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import urls
from generator.build import fingerprint
from generator.build.command import build_command
from generator.build.run import build
from generator.content.problems import ContentError

from .site_helpers import (
    BASE_URL,
    FIXTURE,
    build_cli,
    on_fixture_day,
    overrides,
    soup,
    tree,
)
from .unit_records import copy_unit

KEY_UNIT = "91450126MA5L3K2R5Q001P"


def _build(content: Path, out: Path, tmp: Path, **kw):
    extra = kw.pop("settings", {})
    with on_fixture_day():
        return build(
            content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp, **extra), **kw
        )


def _marks(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``roots`` with its inode and modification time: what a write changes."""
    found = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file():
                st = path.stat()
                found[str(path)] = (st.st_ino, st.st_mtime_ns)
    return found


@pytest.fixture
def built(tmp_path):
    """The fixture content copied and built once: (content, out)."""
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(FIXTURE, content)
    first = _build(content, out, tmp_path)
    assert first.full
    return content, out


def _outputs(tmp: Path, out: Path) -> dict[str, tuple[int, int]]:
    index = tmp / "search-index"
    return _marks(out, index, index.with_name(index.name + ".directory.jsonl"), tmp / "cache")


def test_an_unchanged_build_stops_before_loading_and_writes_nothing(built, tmp_path):
    content, out = built
    before = _outputs(tmp_path, out)
    second = _build(content, out, tmp_path)
    assert list(second.phases) == ["fingerprint"]
    assert (second.rendered, second.removed, second.full) == (0, 0, False)
    assert _outputs(tmp_path, out) == before
    assert second.total == _build(content, out, tmp_path, full=True).total


def test_a_touched_but_unchanged_file_still_counts_as_unchanged(built, tmp_path):
    content, out = built
    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    st = unit_file.stat()
    os.utime(unit_file, ns=(st.st_atime_ns, st.st_mtime_ns + 10**10))
    pages = tree(out)
    assert list(_build(content, out, tmp_path).phases) == ["fingerprint"]
    assert list(_build(content, out, tmp_path).phases) == ["fingerprint"]
    assert tree(out) == pages


def test_a_changed_unit_goes_the_usual_way_and_its_page_shows_it(built, tmp_path):
    content, out = built
    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    text = unit_file.read_text(encoding="utf-8")
    assert "黄志强" in text
    size, mtime = unit_file.stat().st_size, unit_file.stat().st_mtime_ns
    unit_file.write_text(text.replace("黄志强", "黄志刚"), encoding="utf-8")  # same size
    os.utime(unit_file, ns=(mtime, mtime))  # and the same time: only the bytes differ
    assert unit_file.stat().st_size == size
    second = _build(content, out, tmp_path)
    assert "load" in second.phases and second.rendered > 0
    page = soup(out, urls.unit_path(KEY_UNIT))
    assert "黄志刚" in page.get_text() and "黄志强" not in page.get_text()
    assert list(_build(content, out, tmp_path).phases) == ["fingerprint"]


def test_a_removed_unit_disappears_and_the_next_build_is_quick(built, tmp_path):
    content, out = built
    gone = "91450902MA5K8T4H2R001P"
    (content / "units" / f"{gone}.yaml").unlink()
    second = _build(content, out, tmp_path, allow_drop=True)
    assert second.removed > 0
    assert not (out / urls.unit_path(gone).lstrip("/")).exists()
    assert gone not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert list(_build(content, out, tmp_path).phases) == ["fingerprint"]
    fresh = tmp_path / "fresh"
    _build(content, fresh, tmp_path / "other")
    assert tree(out) == tree(fresh)


def test_a_new_file_in_the_content_goes_the_usual_way(built, tmp_path):
    content, out = built
    added = copy_unit(content, KEY_UNIT, "MA5L3K2R9", "二")
    second = _build(content, out, tmp_path)
    assert "load" in second.phases
    assert (out / urls.unit_path(added).lstrip("/") / "index.html").is_file()


def test_a_changed_setting_goes_the_usual_way(built, tmp_path):
    content, out = built
    second = _build(content, out, tmp_path, settings={"hotline": "12345"})
    assert second.full  # a page setting: every page again
    footer = soup(out, urls.unit_path(KEY_UNIT)).get_text()
    assert "12345" in footer
    again = _build(content, out, tmp_path, settings={"hotline": "12345"})
    assert list(again.phases) == ["fingerprint"]


def test_a_full_build_and_left_out_steps_are_never_quick(built, tmp_path):
    content, out = built
    assert _build(content, out, tmp_path, full=True).full
    index_step = "generator.search.index:write_index"
    assert "load" in _build(content, out, tmp_path, exclude_steps=(index_step,)).phases
    assert "load" in _build(content, out, tmp_path).phases  # the index step's options again


def test_a_changed_code_file_goes_the_usual_way(built, tmp_path, monkeypatch):
    content, out = built
    code = tmp_path / "code"
    for name, root in fingerprint.code_roots():
        shutil.copytree(root, code / name, ignore=shutil.ignore_patterns("__pycache__"))
    copies = [(name, code / name) for name, _ in fingerprint.code_roots()]
    monkeypatch.setattr(fingerprint, "code_roots", lambda: copies)
    assert list(_build(content, out, tmp_path).phases) == ["fingerprint"]  # the same code
    template = next((code / "site" / "templates").glob("*.html"))
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "load" in _build(content, out, tmp_path).phases
    module = code / "generator" / "urls.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "load" in _build(content, out, tmp_path).phases


def test_a_replaced_search_index_or_removed_site_goes_the_usual_way(built, tmp_path):
    content, out = built
    meta = tmp_path / "search-index" / fingerprint.INDEX_META
    meta.write_bytes(meta.read_bytes())  # another build's index would be another file
    assert "load" in _build(content, out, tmp_path).phases
    shutil.rmtree(out)
    again = _build(content, out, tmp_path)
    assert again.full and (out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html").is_file()


def test_a_failed_build_leaves_no_fingerprint(built, tmp_path):
    content, out = built
    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    good = unit_file.read_text(encoding="utf-8")
    unit_file.write_text(good.replace("fixed_source_code:", "fixed_source_code: [", 1))
    with pytest.raises(ContentError):
        _build(content, out, tmp_path)
    assert fingerprint.load((tmp_path / "cache").resolve(), out.resolve()) is None
    unit_file.write_text(good, encoding="utf-8")
    assert "load" in _build(content, out, tmp_path).phases


def test_the_command_answers_unchanged_without_building(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(FIXTURE, content)
    first = build_cli(tmp_path, content, out)
    assert first.exit_code == 0, first.output
    before = _marks(out)
    second = build_cli(tmp_path, content, out)
    assert second.exit_code == 0, second.output
    assert "未改变" in second.output and "生成 0 个" in second.output
    assert _marks(out) == before
    assert "--full" in build_cli(tmp_path, content, out, "--help").output
    forced = build_cli(tmp_path, content, out, "--full")
    assert forced.exit_code == 0 and "全量构建完成" in forced.output


def test_the_command_is_the_light_one():
    from generator import cli

    assert cli.COMMANDS["build"] == "generator.build.command:build_command"
    assert build_command.name == "build"


def test_every_file_a_build_shows_besides_content_is_in_the_fingerprint():
    from generator import settings as settings_mod

    # A setting naming a file the build reads must be fingerprinted (else its change is lost).
    named = {s.name for s in settings_mod.SETTINGS if s.name.endswith(("_file", "_db"))}
    shown = {"stats_file", "ledger_file", "draws_file", "monitoring_db"} & named
    assert shown <= {name for name, _ in fingerprint.SERVICE_FILES}


@pytest.mark.parametrize("name", ["stats_file", "ledger_file"])
def test_a_changed_service_export_goes_the_usual_way(tmp_path, name):
    import json

    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(FIXTURE, content)
    export = tmp_path / f"{name}.json"
    first = (
        {"as_of": "2026-11-20", "bodies": {}, "units": {}}
        if name == "stats_file"
        else {
            "as_of": "2026-11-20",
            "items": [],
        }
    )
    export.write_text(json.dumps(first), encoding="utf-8")
    _build(content, out, tmp_path, settings={name: str(export)})
    same = _build(content, out, tmp_path, settings={name: str(export)})
    assert list(same.phases) == ["fingerprint"]
    first["as_of"] = "2026-11-21"
    export.write_text(json.dumps(first), encoding="utf-8")
    changed = _build(content, out, tmp_path, settings={name: str(export)})
    assert list(changed.phases) != ["fingerprint"]
