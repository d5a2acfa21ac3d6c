"""A disk that fills while the site is written: the last good site stays live and the
message says the disk is full (a real 2 MB tmpfs, mounted as root)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from generator import urls
from generator.build.guard import failure_message

from .site_helpers import BASE_URL, FIXTURE, build_cli, tree

KEY_UNIT = "91450126MA5L3K2R5Q001P"


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs under tmp_path, unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    yield disk
    _unmount(disk)


def _unmount(disk: Path) -> None:
    """Unmount ``disk``, waiting for a background writer of the build to let go of it."""
    for _ in range(100):
        if subprocess.run(["umount", str(disk)], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    subprocess.run(["umount", "--lazy", str(disk)], check=True)


def _fill(disk: Path) -> Path:
    """Write a file into ``disk`` until no byte is left; return it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


@pytest.mark.parametrize("extra", [("--full",), ()])
def test_a_full_disk_leaves_the_last_good_site_live(tmp_path, small_disk, extra):
    content = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    out = small_disk / "site"
    assert build_cli(tmp_path, content, out).exit_code == 0
    before = tree(out)
    unit = content / "units" / f"{KEY_UNIT}.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("黄志强", "黄志刚"), "utf-8")
    filler = _fill(small_disk)

    result = build_cli(tmp_path, content, out, *extra)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "磁盘已满" in result.output and "原网站保持不变" in result.output
    assert "Traceback" not in result.output and str(out) in result.output
    assert tree(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == [".site.lock", "filler", "site"]

    filler.unlink()
    assert build_cli(tmp_path, content, out, *extra).exit_code == 0
    page = out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html"
    assert "黄志刚" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("error", "stage", "words"),
    [
        (
            OSError(errno.ENOSPC, "No space left on device", "/srv/site/a.html"),
            "render",
            "磁盘已满",
        ),
        (OSError(errno.EDQUOT, "Disk quota exceeded", None), "render", "磁盘已满"),
        (OSError(errno.ENOSPC, "No space left on device"), "publish", "只替换了一部分"),
        (OSError(errno.EROFS, "Read-only file system", "/srv"), "render", "原网站保持不变"),
        (OSError(errno.ENOSPC, "No space left on device"), "state", "新网站已发布"),
    ],
)
def test_failure_messages_say_what_became_of_the_site(error, stage, words):
    message = failure_message(error, stage)
    assert words in message and error.strerror in message
    if error.filename:
        assert error.filename in message


def test_a_load_cache_saved_in_the_background_onto_a_full_disk_fails_quietly(
    tmp_path, small_disk, capfd
):
    from generator.content.readers import LoadCache, load_site
    from generator.content.readers.loadcache import BACKGROUND_FROM_SHARDS
    from generator.sample import write_sample

    content = tmp_path / "content"
    write_sample(content, 40, seed=3)
    _fill(small_disk)
    cache = LoadCache(small_disk / "cache", content)
    site = load_site(content, load_cache=cache, save_in_background=True)
    assert cache._writer is not None, f"fewer than {BACKGROUND_FROM_SHARDS} shards to write"
    cache.wait()
    assert len(site.units) == 40
    assert "Traceback" not in capfd.readouterr().err
    assert not [p for p in (small_disk / "cache").rglob("*") if p.is_file()]
    with pytest.raises(OSError) as caught:  # in the foreground the build is told
        cache.keep("0" * 40, site.units[0])
        cache.save()
    assert caught.value.errno == errno.ENOSPC


def test_a_state_that_cannot_be_saved_after_publishing_makes_the_next_build_full(tmp_path):
    from generator.build.cache import state_file
    from generator.build.run import build

    from .site_helpers import overrides

    content = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    out = tmp_path / "site"
    assert build_cli(tmp_path, content, out).exit_code == 0
    unit = content / "units" / f"{KEY_UNIT}.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("黄志强", "黄志刚"), "utf-8")
    kept = state_file((tmp_path / "cache").resolve(), out.resolve())
    blocker = kept.with_suffix(".tmp")
    blocker.mkdir()  # the state is written there first: now it cannot be
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 1 and "新网站已发布，但构建记录没有保存" in result.output
    page = out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html"
    assert "黄志刚" in page.read_text(encoding="utf-8")
    assert not kept.exists()
    blocker.rmdir()
    again = build(content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp_path))
    assert again.full
