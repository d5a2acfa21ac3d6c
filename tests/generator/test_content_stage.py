"""The content stage's shape: a plain model, and readers that keep nothing of one load for the
next (equal values are one object within a load, through the reader's own Sharing)."""

from __future__ import annotations

import dataclasses
import inspect
import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content import enums, model
from generator.content.readers import LoadCache, read_content
from generator.content.readers.fields import Sharing

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
UNIT = "91450126MA5L3K2R5Q001P"


def test_model_is_plain_frozen_dataclasses():
    """Every class the model defines is a frozen dataclass: no cache types in the domain."""
    own = [
        c for _, c in inspect.getmembers(model, inspect.isclass) if c.__module__ == model.__name__
    ]
    assert own, "the model defines its records"
    for cls in own:
        assert dataclasses.is_dataclass(cls), cls
        assert cls.__dataclass_params__.frozen, cls


def test_enums_are_importable_from_the_model():
    for name in ("Category", "PermitState", "PermitStatus", "Method", "Execution"):
        assert getattr(model, name) is getattr(enums, name)


def _twice(tmp_path: Path, form: str) -> Path:
    """The fixture content with one unit written twice (as YAML files, or as JSON lines)."""
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    source = folder / "units" / f"{UNIT}.yaml"
    if form == "yaml":
        shutil.copy(source, folder / "units" / "copy.yaml")
    else:
        line = json.dumps(jsonable(yaml.safe_load(source.read_text(encoding="utf-8"))))
        (folder / "units" / "bulk.jsonl").write_text(f"{line}\n{line}\n", encoding="utf-8")
        source.unlink()
    return folder


def _pair(site) -> tuple:
    same = [u for u in site.units if u.fixed_source_code == UNIT]
    assert len(same) == 2
    return same[0], same[1]


@pytest.mark.parametrize("form", ["yaml", "jsonl"])
@pytest.mark.parametrize("cached", [False, True], ids=["plain", "load-cache"])
def test_equal_values_are_one_object_within_a_load(tmp_path, form, cached):
    folder = _twice(tmp_path, form)
    cache = LoadCache(tmp_path / "cache", folder) if cached else None
    site, _ = read_content(folder, load_cache=cache)
    first, second = _pair(site)
    assert first.industry is second.industry
    assert first.data_as_of is second.data_as_of
    assert first.address is second.address


@pytest.mark.parametrize("form", ["yaml", "jsonl"])
def test_nothing_of_one_load_is_kept_for_the_next(tmp_path, form):
    folder = _twice(tmp_path, form)
    before, _ = read_content(folder)
    after, _ = read_content(folder)
    old, new = _pair(before)[0], _pair(after)[0]
    assert old.industry == new.industry and old.industry is not new.industry
    assert old.address == new.address and old.address is not new.address


def test_sharing_is_bounded_and_returns_equal_values():
    sharing = Sharing(at_most=2)
    first, second, third = "甲" * 3, "乙" * 3, "丙" * 3
    assert sharing.share(first) is first and sharing.share(second) is second
    assert sharing.share(third) is third  # past the bound: given back, not kept
    assert sharing.share("".join(["甲"] * 3)) is first
    fresh = "".join(["丙"] * 3)
    assert sharing.share(fresh) is fresh
