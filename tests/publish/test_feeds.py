"""Atom feeds: valid Atom 1.0, entries for penalties and permit changes, per city."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from generator.opendata.feeds import write_feeds

NS = {"a": "http://www.w3.org/2005/Atom"}


def _feeds(site, settings, out: Path) -> dict[str, ET.Element]:
    write_feeds(site, out, settings)
    return {
        p.relative_to(out).as_posix(): ET.parse(p).getroot()
        for p in sorted((out / "feeds").rglob("*.atom"))
    }


def _check_atom(root: ET.Element, url: str) -> None:
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for tag in ("id", "title", "updated", "author/a:name"):
        assert root.find(f"a:{tag}", NS) is not None and root.find(f"a:{tag}", NS).text, tag
    self_link = root.find("a:link[@rel='self']", NS)
    assert self_link is not None and self_link.get("href") == url
    assert "数据截至2026-11-20" in root.find("a:subtitle", NS).text
    ids = []
    for entry in root.findall("a:entry", NS):
        for tag in ("id", "title", "updated", "summary"):
            assert entry.find(f"a:{tag}", NS).text, tag
        assert entry.find("a:link", NS).get("href").startswith("https://")
        assert entry.find("a:updated", NS).text.endswith("T00:00:00+08:00")
        ids.append(entry.find("a:id", NS).text)
    assert len(ids) == len(set(ids))
    assert all(i.startswith("tag:yimatong.example.cn,2020:") for i in ids)


def test_feeds_are_valid_atom(site, settings, tmp_path):
    feeds = _feeds(site, settings, tmp_path)
    assert set(feeds) == {
        "feeds/penalties.atom",
        "feeds/permits.atom",
        "feeds/city/450100.atom",
        "feeds/city/450200.atom",
    }
    for path, root in feeds.items():
        _check_atom(root, f"https://yimatong.example.cn/{path}")


def test_penalty_and_permit_entries(site, settings, tmp_path):
    feeds = _feeds(site, settings, tmp_path)
    penalties = feeds["feeds/penalties.atom"].findall("a:entry", NS)
    assert [e.find("a:updated", NS).text[:10] for e in penalties] == ["2026-10-09", "2026-04-02"]
    assert feeds["feeds/penalties.atom"].find("a:updated", NS).text.startswith("2026-10-09")
    permits = feeds["feeds/permits.atom"].findall("a:entry", NS)
    titles = [e.find("a:title", NS).text for e in permits]
    assert titles[0].startswith("许可证已过期") and titles[1].startswith("许可证已撤销")
    assert [e.find("a:updated", NS).text[:10] for e in permits] == ["2026-10-01", "2026-08-08"]
    liuzhou = feeds["feeds/city/450200.atom"].findall("a:entry", NS)
    assert len(liuzhou) == 3
    nanning = feeds["feeds/city/450100.atom"]
    assert "南宁市" in nanning.find("a:title", NS).text


def test_feeds_are_deterministic(site, settings, tmp_path):
    write_feeds(site, tmp_path / "a", settings)
    write_feeds(site, tmp_path / "b", settings)
    for path in sorted((tmp_path / "a").rglob("*.atom")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def test_feed_list_names_every_feed_written(site):
    from generator.opendata.feeds import feed_list, feeds

    assert feed_list(site) == [(f.path, f.title) for f in feeds(site, "http://localhost")]


def test_unchanged_feeds_come_from_the_cache_and_changed_ones_are_made(site, settings, tmp_path):
    import dataclasses

    write_feeds(site, tmp_path / "a", settings)
    kept = Path(settings["cache_dir"]) / "feeds.pickle"
    assert kept.is_file()
    write_feeds(site, tmp_path / "b", settings)
    first = {p.name: p.read_bytes() for p in (tmp_path / "a").rglob("*.atom")}
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "b").rglob("*.atom")}
    renamed = dataclasses.replace(site, title="另一个一码通")
    write_feeds(renamed, tmp_path / "c", settings)
    penalties = (tmp_path / "c" / "feeds" / "penalties.atom").read_text(encoding="utf-8")
    assert "另一个一码通" in penalties
