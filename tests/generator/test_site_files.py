"""Fewer, cheaper writes: a page's QR codes are hard links to the QR cache's files (no new
inode, no bytes written), copies where a link is impossible (a cache on another disk)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from generator import urls
from generator.build.run import build
from generator.qr.encode import QRCache, place

from .site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides

KEY_UNIT = "91450126MA5L3K2R5Q001P"


def _build(content: Path, out: Path, tmp: Path, cache: Path | None = None):
    extra = {"cache_dir": str(cache)} if cache is not None else {}
    with on_fixture_day():
        return build(
            content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp, **extra)
        )


def _qr_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("qr.*") if p.suffix in (".svg", ".png"))


def _decoded(png: Path) -> str:
    return zxingcpp.read_barcodes(Image.open(png))[0].text


def test_qr_codes_are_links_to_the_cache_and_read_as_their_page(tmp_path):
    out = tmp_path / "site"
    _build(FIXTURE, out, tmp_path)
    cached = {(p.stat().st_dev, p.stat().st_ino) for p in (tmp_path / "cache" / "qr").rglob("*")}
    found = _qr_files(out)
    assert len(found) >= 2 * 8  # four units, their outlets, SVG and PNG each
    for path in found:
        assert (path.stat().st_dev, path.stat().st_ino) in cached, path
    page = out / urls.unit_path(KEY_UNIT).lstrip("/")
    assert _decoded(page / "qr.png") == urls.absolute(BASE_URL, urls.unit_path(KEY_UNIT))
    fresh = {p.stat().st_ino for p in _qr_files(out)}
    _build(FIXTURE, tmp_path / "again", tmp_path)
    assert {p.stat().st_ino for p in _qr_files(tmp_path / "again")} == fresh  # no new inode


def test_a_full_rebuild_leaves_the_cache_files_whole(tmp_path):
    out = tmp_path / "site"
    _build(FIXTURE, out, tmp_path)
    cache = tmp_path / "cache" / "qr"
    before = {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()}
    with on_fixture_day():
        build(FIXTURE, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp_path),
              full=True)  # fmt: skip
    shutil.rmtree(out)  # deleting a site never takes its codes out of the cache
    assert {p: p.read_bytes() for p in cache.rglob("*") if p.is_file()} == before


@pytest.fixture
def other_disk(tmp_path):
    """A tmpfs under tmp_path: another file system, where links to tmp_path cannot go."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace')}")
    yield disk
    subprocess.run(["umount", "--lazy", str(disk)], check=True)


def test_a_cache_on_another_disk_gives_copies_with_the_same_bytes(tmp_path, other_disk):
    out = tmp_path / "site"
    _build(FIXTURE, out, tmp_path, cache=other_disk / "cache")
    qr = QRCache(other_disk / "cache" / "qr")
    for path in _qr_files(out):
        assert path.stat().st_nlink == 1 and path.stat().st_dev != other_disk.stat().st_dev
        page = "/" + str(path.parent.relative_to(out)) + "/"
        svg, png = qr.get(urls.absolute(BASE_URL, page))
        assert path.read_bytes() == (svg if path.suffix == ".svg" else png)


def test_place_links_and_falls_back_to_a_copy(tmp_path, other_disk):
    source = tmp_path / "a.svg"
    source.write_bytes(b"<svg/>")
    place(source, tmp_path / "b.svg")
    assert (tmp_path / "b.svg").stat().st_ino == source.stat().st_ino
    place(source, other_disk / "c.svg")
    assert (other_disk / "c.svg").read_bytes() == b"<svg/>"
    assert (other_disk / "c.svg").stat().st_nlink == 1
