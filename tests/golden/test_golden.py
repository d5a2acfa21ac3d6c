"""Build the fixture content and compare every file with tests/golden/expected/."""

from __future__ import annotations

from .golden import EXPECTED, REGENERATE, build_golden, files


def test_golden_build_matches_byte_for_byte(tmp_path):
    out = tmp_path / "site"
    build_golden(out, tmp_path / "cache")
    built, expected = files(out), files(EXPECTED)
    hint = f"if the change is intended, regenerate with: {REGENERATE}"
    assert sorted(built) == sorted(expected), hint
    changed = [name for name in sorted(built) if built[name] != expected[name]]
    assert not changed, f"{len(changed)} file(s) differ, first {changed[:5]}; {hint}"


def test_golden_build_writes_nothing_where_it_runs(tmp_path, monkeypatch):
    """Relative defaults (build/search-index) would land in the checkout the suite runs from."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    build_golden(tmp_path / "site", tmp_path / "cache")
    assert list(cwd.iterdir()) == []
    assert (tmp_path / "search-index" / "yimatong-search.json").is_file()
