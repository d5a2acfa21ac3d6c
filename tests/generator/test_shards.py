"""Shards: ``yimatong build --shard`` in processes of their own, then ``--merge``, give the
site (and the files beside it) a single build gives, byte for byte; bad shards are refused
with every problem named, before anything is published."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.command import build_command

from .site_helpers import BASE_URL, FEEDBACK_URL, FIXTURE, build_cli, tree

#: The fixture's four units are in four cities: two shards of two cities each.
SHARD_A = "450100,450200"
SHARD_B = "450300,450900"

#: ``yimatong build`` in a new Python process, its clock on the fixture's day.
COMMAND = (
    "import sys, datetime as dt; from generator import clock; "
    "clock.set_now(dt.date(2026, 11, 20)); from generator.cli import main; "
    "main(sys.argv[1:], prog_name='yimatong')"
)


def _env(machine: Path) -> dict[str, str]:
    """The settings of one machine: its own cache, index and (absent) monitoring store."""
    return {
        **os.environ,
        "YIMATONG_CACHE_DIR": str(machine / "cache"),
        "YIMATONG_SEARCH_INDEX_DIR": str(machine / "index"),
        "YIMATONG_MONITORING_DB": str(machine / "no-monitoring.duckdb"),
        "YIMATONG_FEEDBACK_URL": FEEDBACK_URL,
        "YIMATONG_STATS_FILE": "",
        "YIMATONG_LEDGER_FILE": "",
        "YIMATONG_DRAWS_FILE": "",
    }


def _yimatong(machine: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``yimatong build ARGS`` as a process of its own on ``machine``."""
    command = [sys.executable, "-c", COMMAND, "build", "--content", str(FIXTURE)]
    command += ["--base-url", BASE_URL, "--jobs", "1", *args]
    return subprocess.run(command, env=_env(machine), capture_output=True, text=True, timeout=600)


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """A single build, two shards built as two processes on two "machines", and a merge."""
    root = tmp_path_factory.mktemp("shards")
    _ok(_yimatong(root / "single", "--out", str(root / "single" / "site"), "--full"))
    _ok(_yimatong(root / "a", "--shard", SHARD_A, "--out", str(root / "a" / "shard")))
    _ok(_yimatong(root / "b", "--shard", SHARD_B, "--out", str(root / "b" / "shard")))
    merge = root / "merge"
    done = _ok(
        _yimatong(
            merge,
            "--out",
            str(merge / "site"),
            "--merge",
            str(root / "a" / "shard"),
            str(root / "b" / "shard"),
        )  # fmt: skip
    )
    assert "合并构建完成（2 个分片）：共" in done.stdout
    return {"root": root, "single": root / "single", "merge": merge}


def test_two_shards_and_a_merge_give_the_single_build_byte_for_byte(built) -> None:
    single, merged = tree(built["single"] / "site"), tree(built["merge"] / "site")
    assert sorted(merged) == sorted(single)
    assert [p for p in single if merged[p] != single[p]] == []


def _beside(machine: Path) -> dict[str, bytes]:
    """The files a build writes beside the site (search index, directory and events files),
    less the stamp of the build that wrote them: it hashes every setting, and the two
    machines' cache and index folders differ. The index's segment files go by their kind
    (their names are random, also inside the table of contents)."""
    found = {}
    paths = sorted(p for p in (machine / "index").iterdir() if p.is_file())
    segment = next(p.name.split(".")[0][5:] for p in paths if p.name.startswith("MAIN_"))
    for path in paths:
        data = path.read_bytes().replace(segment.encode(), b"segment_name")
        if path.suffix == ".json" and b'"build"' in data:
            meta = json.loads(data)
            assert meta.pop("build")
            data = json.dumps(meta, sort_keys=True).encode()
        found[path.name.split(".", 1)[-1] if path.name.startswith("MAIN_") else path.name] = data
    lines = (machine / "index.directory.jsonl").read_bytes().split(b"\n")
    header = json.loads(lines[0])
    assert header.pop("build")
    found["directory"] = json.dumps(header).encode() + b"\n" + b"\n".join(lines[1:])
    found["events"] = (machine / "index.events.jsonl").read_bytes()
    return found


def test_the_files_beside_the_site_are_those_of_the_single_build(built) -> None:
    """The search index, the directory file and the events file."""
    single, merged = _beside(built["single"]), _beside(built["merge"])
    assert {"_stored.col", "trm", "directory", "events"} <= set(single)
    assert sorted(merged) == sorted(single)
    assert [p for p in single if merged[p] != single[p]] == []


def test_each_shard_holds_only_its_cities_units(built) -> None:
    root = built["root"]
    a = json.loads((root / "a" / "shard" / "shard.json").read_text(encoding="utf-8"))
    b = json.loads((root / "b" / "shard" / "shard.json").read_text(encoding="utf-8"))
    assert a["cities"] == SHARD_A.split(",") and b["cities"] == SHARD_B.split(",")
    assert sorted(a["units"]) == ["91450126MA5L3K2R5Q001P", "91450222MA5N7P3C8N001P"]
    assert sorted(b["units"]) == ["91450902MA5K8T4H2R001P", "92450324MA5R2W6X1P001W"]
    assert {p.split("/")[0] for p in tree(root / "a" / "shard" / "site")} == {"e"}
    shard_units = {p.split("/")[2] for p in tree(root / "a" / "shard" / "site")}
    assert shard_units == set(a["units"])


def test_an_incremental_build_after_a_merge_renders_nothing_of_the_units(built) -> None:
    """The merge keeps the build state: the next plain build goes on from it."""
    merge = built["merge"]
    done = _ok(_yimatong(merge, "--out", str(merge / "site")))
    assert "增量构建完成" in done.stdout or "均未改变" in done.stdout
    assert tree(merge / "site") == tree(built["single"] / "site")


def test_a_merge_missing_a_city_names_the_units_and_publishes_nothing(built, tmp_path) -> None:
    out = tmp_path / "site"
    done = _yimatong(tmp_path, "--out", str(out), "--merge", str(built["root"] / "a" / "shard"))
    assert done.returncode == 1
    assert "91450902MA5K8T4H2R001P（地级市 450900）不在任何分片中" in done.stderr
    assert "92450324MA5R2W6X1P001W（地级市 450300）不在任何分片中" in done.stderr
    assert not out.exists()


def test_overlapping_shards_and_a_folder_that_is_no_shard_are_refused(built, tmp_path) -> None:
    a = str(built["root"] / "a" / "shard")
    b = str(built["root"] / "b" / "shard")
    out = tmp_path / "site"
    done = _yimatong(tmp_path, "--out", str(out), "--merge", a, a, b)
    assert done.returncode == 1
    assert "地级市 450100 同时在分片" in done.stderr
    done = _yimatong(tmp_path, "--out", str(out), "--merge", a, str(tmp_path))
    assert done.returncode == 1
    assert f"{tmp_path} 不是分片目录：没有 shard.json" in done.stderr
    assert not out.exists()


def test_a_shard_of_other_content_is_refused(built, tmp_path) -> None:
    """A shard whose unit was built from other content names that unit."""
    shard = tmp_path / "a"
    subprocess.run(["cp", "-a", str(built["root"] / "a" / "shard"), str(shard)], check=True)
    manifest = json.loads((shard / "shard.json").read_text(encoding="utf-8"))
    manifest["units"]["91450126MA5L3K2R5Q001P"] = "older"
    (shard / "shard.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = tmp_path / "site"
    done = _yimatong(
        tmp_path, "--out", str(out), "--merge", str(shard), str(built["root"] / "b" / "shard")
    )
    assert done.returncode == 1
    assert "排污单位 91450126MA5L3K2R5Q001P 在分片" in done.stderr
    assert "请重新构建该分片" in done.stderr
    assert not out.exists()


def test_a_shard_built_with_other_settings_is_refused(built, tmp_path) -> None:
    """Another base URL (the QR codes and every link change): the global key differs."""
    other = tmp_path / "other"
    command = ["--shard", SHARD_B, "--out", str(other), "--base-url", "https://other.example.cn"]
    _ok(_yimatong(tmp_path, *command))
    out = tmp_path / "site"
    done = _yimatong(tmp_path, "--out", str(out), "--merge", str(built["root"] / "a" / "shard"),
                     str(other))  # fmt: skip
    assert done.returncode == 1
    assert f"分片 {other} 由不同的内容、代码或设置生成" in done.stderr
    assert not out.exists()


def test_a_shard_never_replaces_a_folder_that_is_no_shard(built) -> None:
    """--out given the published site by mistake: the site stays as it was."""
    site = built["single"] / "site"
    before = tree(site)
    done = _yimatong(built["single"], "--shard", SHARD_A, "--out", str(site))
    assert done.returncode == 1
    assert f"{site} 已有文件但不是分片目录（没有 shard.json）" in done.stderr
    assert tree(site) == before


def test_a_shard_of_a_city_the_content_lacks_is_refused(tmp_path) -> None:
    result = build_cli(tmp_path, FIXTURE, tmp_path / "shard", "--shard", "450100,459900")
    assert result.exit_code == 1
    assert "--shard 的 459900 不是本省内容中的地级市" in result.output
    assert not (tmp_path / "shard").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shard", "450100"], "--shard 需要用 --out 指定分片目录"),
        (["--merge"], "--merge 需要至少一个分片目录"),
        (["somewhere"], "分片目录只用于 --merge"),
        (["--shard", "450100", "--merge", "x", "--out", "y"], "不能同时使用"),
    ],
)
def test_shard_options_used_wrongly_say_how(args, message, tmp_path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(build_command, ["--content", str(FIXTURE), *args])
    assert result.exit_code == 2
    assert message in result.output
