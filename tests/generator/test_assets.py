"""Cache keys name real files: a renamed module cannot silently drop out of a key (issue 14)."""

from __future__ import annotations

import pytest

from generator import assets
from generator.build.plan import PAGE_CODE
from generator.content.readers.loadcache import CODE


@pytest.mark.parametrize("names", [PAGE_CODE, CODE], ids=["pages", "content cache"])
def test_every_name_in_a_cache_key_exists(names):
    files = assets.code_files(names)
    covered = {name.split("/")[0] + "/" + name.split("/")[1] for name, _ in files}
    assert {"/".join(n.split("/")[:2]) for n in names} == covered


def test_a_name_that_matches_nothing_is_an_error():
    with pytest.raises(RuntimeError, match="generator/searchindex.py"):
        assets.code_files(("generator/searchindex.py",))


def test_templates_and_static_files_are_found():
    assert (assets.templates_dir() / "base.html").is_file() or any(
        assets.templates_dir().glob("*.html")
    )
    assert (assets.static_dir() / "site.css").is_file()
