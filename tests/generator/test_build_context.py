"""What one build hands its steps travels in a BuildContext, never in the settings dict or in
module globals; the steps are listed as real functions a reader (or a tool) can follow."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from generator.build.registry import SEARCH_STEP, STEPS, step_names
from generator.build.steps import StepRecord, StepRunner, run_steps
from generator.content.model import Site
from generator.context import BuildContext, Step

ROOT = Path(__file__).resolve().parents[2]


def _record(site, out, settings, ctx=None):
    """A step that writes down what it was given."""
    seen = {
        "settings": sorted(settings),
        "out_is_ctx_out": ctx is not None and ctx.out_dir == out,
        "unit_keys": dict(ctx.unit_keys or {}) if ctx else None,
        "step_key": ctx.step_key if ctx else None,
        "progress": ctx.progress if ctx else None,
        "cache_dir": str(ctx.cache_dir) if ctx and ctx.cache_dir else None,
    }
    (out / "seen.json").write_text(json.dumps(seen))


def _record_too(site, out, settings, ctx=None):
    (out / "seen2.json").write_text(json.dumps(ctx.step_key if ctx else None))


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("line", [None, 0])
def test_each_step_gets_its_key_keys_and_line_in_its_context(tmp_path, jobs, line):
    out = tmp_path / "out"
    out.mkdir()
    settings = {"base_url": "https://x.example.cn", "cache_dir": str(tmp_path / "c")}
    keys = {"A": "ka", "B": "kb"}
    ctx = BuildContext(Site(units=()), out, settings, keys, progress=line)
    steps = [Step(_record, "t:one"), Step(_record_too, "t:two")]
    records = run_steps(steps, ctx, "inputs", jobs=jobs)
    seen = json.loads((out / "seen.json").read_text())
    assert seen["settings"] == ["base_url", "cache_dir"]  # the user's settings, nothing more
    assert seen["out_is_ctx_out"] and seen["unit_keys"] == keys
    assert seen["cache_dir"] == str(tmp_path / "c")
    assert seen["step_key"] == records["t:one"].key
    assert json.loads((out / "seen2.json").read_text()) == records["t:two"].key
    assert records["t:one"].key != records["t:two"].key
    assert seen["progress"] == (None if line is None else 1)
    assert settings == {"base_url": "https://x.example.cn", "cache_dir": str(tmp_path / "c")}


def test_the_step_key_means_what_it_meant_name_and_inputs():
    import hashlib

    steps = [Step(_record, "t:one")]
    runner = StepRunner(steps, BuildContext(Site(units=()), Path("x")), "inputs")
    assert runner.keys["t:one"] == hashlib.sha1(b"t:one\ninputs").hexdigest()[:24]
    kept = {"t:one": StepRecord(runner.keys["t:one"], {"/f"}, 2.0)}
    again = StepRunner(steps, BuildContext(Site(units=()), Path("x")), "inputs", kept)
    assert again.todo == [] and again.records["t:one"].files == {"/f"}


def test_a_step_is_named_by_its_module_and_function():
    assert Step(_record).name == f"{__name__}:_record"
    assert Step(_record, "given").name == "given"


def test_every_listed_step_is_the_function_its_name_points_to():
    names = step_names()
    assert len(set(names)) == len(names) == len(STEPS)
    for step in STEPS:
        module, function = step.name.split(":")
        assert getattr(importlib.import_module(module), function) is step.run
    assert SEARCH_STEP in names


def test_the_build_state_keeps_the_step_names_of_before():
    # Records of the last build are found by these names: renaming one reruns the step.
    assert step_names() == [
        "generator.opendata.downloads:write_open_data",
        "generator.opendata.feeds:write_feeds",
        "generator.publish.netlify:write_netlify_redirects",
        "generator.search.index:write_index",
        "generator.directory.write:write_directory",
        "generator.directory.events:write_events",
    ]


def _module_memos(path: Path, root: Path = ROOT) -> list[str]:
    """Module-level names bound to an empty list, dict or set (a memo filled at run time)."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        empty = (
            isinstance(value, (ast.List, ast.Dict, ast.Set))
            and not getattr(value, "elts", getattr(value, "keys", None))
        ) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("list", "dict", "set", "defaultdict", "OrderedDict")
            and not value.args
        )
        if empty:
            found += [f"{path.relative_to(root)}:{node.lineno} {ast.unparse(t)}" for t in targets]
    return found


def test_the_build_and_the_pages_keep_no_state_in_module_globals():
    memos = []
    for package in ("generator/build", "generator/pages"):
        for path in sorted((ROOT / package).rglob("*.py")):
            memos += _module_memos(path)
    assert memos == []


def test_the_memo_finder_finds_memos(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("A: list[int] = []\nB = {}\nC = dict()\nD = (1, 2)\nE = {'k': 1}\n")
    assert [m.split(" ", 1)[1] for m in _module_memos(sample, tmp_path)] == ["A", "B", "C"]
