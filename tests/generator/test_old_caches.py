"""Caches kept by an older version, whose classes lived in modules that no longer exist (the
layout of issue 14 moved them all), make the next build a full one, never a crash."""

from __future__ import annotations

import pickle

import pytest

from generator.build.run import build

from .site_helpers import BASE_URL, FIXTURE, overrides, tree

#: A pickle naming a class of a module that is gone (``generator.state`` became build/cache.py).
OLD_CLASS = b"cgenerator.state\nBuildState\n)\x81."


def test_the_old_class_really_cannot_be_loaded():
    with pytest.raises(ImportError):
        pickle.loads(OLD_CLASS)


def test_pickled_caches_of_an_older_layout_mean_a_full_build(tmp_path):
    kept = overrides(tmp_path / "kept")
    build(FIXTURE, tmp_path / "site", BASE_URL, jobs=1, progress=False, overrides=kept)
    caches = sorted((tmp_path / "kept").rglob("*.pickle"))
    assert len(caches) >= 3, caches  # build state, load-cache shards, kept feeds
    for path in caches:
        path.write_bytes(OLD_CLASS)
    build(FIXTURE, tmp_path / "site", BASE_URL, jobs=1, progress=False, overrides=kept)
    fresh = overrides(tmp_path / "fresh")
    build(FIXTURE, tmp_path / "full", BASE_URL, jobs=1, progress=False, overrides=fresh)
    assert tree(tmp_path / "site") == tree(tmp_path / "full")
