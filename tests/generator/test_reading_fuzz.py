"""Damaged content never raises: seeded random damage (quotes, brackets, tabs, bad bytes,
BOMs, NUL bytes, huge numbers, impossible dates, truncation) to every kind of content file
gives problems naming their file, with and without the load cache."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.readers import LoadCache, read_content
from generator.content.validate import validate

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
TOKENS = (
    b'"', b"'", b":", b"\n", b"\t", b"[", b"{", b"}", b"]", b"- ", b"&a ", b"*a", b"!!",
    b"\xff", b"\xb0\xa1", b"\x00", b"9" * 400, b"1" * 5000, b"2026-02-30", b"\xef\xbb\xbf",
    b"<<: ", b"? ", b"---\n", b"#", b"\\u", b"\\ud800", b"1.0e+999", b".nan", b"|\n",
    b'"a": 1, "a": 2, ',
)  # fmt: skip


def _damage(rng: random.Random, path: Path) -> None:
    raw = bytearray(path.read_bytes())
    at = rng.randrange(len(raw) + 1)
    how = rng.random()
    if how < 0.55:
        raw[at:at] = rng.choice(TOKENS)
    elif how < 0.75:
        del raw[at : at + rng.randint(1, 30)]
    elif how < 0.85:
        del raw[at:]
    elif raw:
        raw[min(at, len(raw) - 1)] = rng.randrange(256)
    path.write_bytes(bytes(raw))


def _content(tmp: Path, rng: random.Random) -> Path:
    content = Path(shutil.copytree(FIXTURE, tmp / "content"))
    if rng.random() < 0.5:  # half the time one unit is a JSON Lines export
        unit = sorted((content / "units").glob("*.yaml"))[rng.randrange(4)]
        record = jsonable(yaml.safe_load(unit.read_text(encoding="utf-8")))
        line = json.dumps(record, ensure_ascii=False)
        (content / "units" / "export.jsonl").write_text(line + "\n" + line + "\n", "utf-8")
        unit.unlink()
    return content


@pytest.mark.parametrize("seed", range(25))
def test_damaged_content_gives_problems_never_a_traceback(tmp_path, seed):
    rng = random.Random(seed)
    content = _content(tmp_path, rng)
    cache = LoadCache(tmp_path / "cache", content)
    assert not read_content(content, load_cache=cache)[1]  # every record kept, then damaged
    files = sorted(p for p in content.rglob("*") if p.is_file())
    for _ in range(rng.randint(1, 4)):
        _damage(rng, rng.choice(files))
    for load_cache in (None, LoadCache(tmp_path / "cache", content)):
        site, problems = read_content(content, load_cache=load_cache)
        problems += validate(site)
        for problem in problems:
            assert problem.file and str(problem).encode("utf-8")
