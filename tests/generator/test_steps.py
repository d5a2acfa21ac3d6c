"""Build steps: skipped when their inputs are unchanged, run side by side, failures clean up."""

from __future__ import annotations

import pytest

from generator.build.steps import StepRecord, run_steps
from generator.content.model import Site
from generator.context import BuildContext, Step


def _write_a(site, out, settings, ctx=None):
    (out / "a").mkdir()
    (out / "a" / "one.txt").write_text(f"{len(site.units)} {settings['word']}")


def _write_b(site, out, settings, ctx=None):
    (out / "b.txt").write_text(settings["word"])


def _fail(site, out, settings, ctx=None):
    (out / "half.txt").write_text("half")
    raise RuntimeError("步骤失败")


STEPS = [Step(_write_a, "test:a"), Step(_write_b, "test:b")]


def _ctx(out, word: str, **extra) -> BuildContext:
    return BuildContext(Site(units=()), out, {"word": word}, **extra)


def _scratch_left(tmp_path):
    return [p.name for p in tmp_path.iterdir() if "step-" in p.name]


@pytest.mark.parametrize("jobs", [1, 2])
def test_steps_write_their_files_and_name_them(tmp_path, jobs):
    out = tmp_path / "out"
    out.mkdir()
    records = run_steps(STEPS, _ctx(out, "好"), "k1", jobs=jobs)
    assert list(records) == ["test:a", "test:b"]
    assert records["test:a"].files == {"/a/one.txt"}
    assert records["test:b"].files == {"/b.txt"}
    assert (out / "a" / "one.txt").read_text() == "0 好"
    assert (out / "b.txt").read_text() == "好"
    assert not _scratch_left(tmp_path)


def test_a_step_with_unchanged_inputs_is_skipped_and_keeps_its_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    first = run_steps(STEPS, _ctx(out, "x"), "k1", jobs=2)
    previous = {"test:a": first["test:a"], "test:b": StepRecord("other", {"/b.txt"})}
    (out / "b.txt").unlink()
    again = run_steps(STEPS, _ctx(out, "y"), "k1", previous, jobs=2)
    assert again["test:a"] == first["test:a"]  # its record (files, seconds) is kept
    assert (out / "a" / "one.txt").read_text() == "0 x"  # not run again
    assert (out / "b.txt").read_text() == "y"  # its key differed: run


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_step_raises_and_leaves_nothing_behind(tmp_path, jobs):
    out = tmp_path / "out"
    out.mkdir()
    steps = [STEPS[0], Step(_fail, "test:fail"), STEPS[1]]
    with pytest.raises(RuntimeError, match="步骤失败"):
        run_steps(steps, _ctx(out, "x"), "k1", jobs=jobs)
    assert not _scratch_left(tmp_path)
    assert not any(out.iterdir())


def test_steps_are_shared_out_by_their_last_seconds():
    from generator.build.steps import StepRunner

    names = ["test:long", "test:short1", "test:short2", "test:new"]
    steps = [Step(_write_b, n) for n in names]
    previous = {
        "test:long": StepRecord("old", set(), 9.0),
        "test:short1": StepRecord("old", set(), 2.0),
        "test:short2": StepRecord("old", set(), 1.5),
    }
    runner = StepRunner(steps, _ctx(None, ""), "k", previous, jobs=2)
    assert runner.groups() == [[0], [1, 2, 3]]
    assert StepRunner(steps, _ctx(None, ""), "k", previous, jobs=8).groups() == [
        [0],
        [1],
        [2],
        [3],
    ]
