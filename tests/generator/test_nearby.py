"""Nearby published units: the grid finds what a full scan finds, the pages list them with
distance and link, and an incremental build redoes a page whose nearby list changed."""

from __future__ import annotations

import dataclasses
import random
import shutil

import pytest
import yaml

from generator import settings as settings_mod
from generator import urls
from generator.build.plan import source_keys, with_nearby
from generator.build.run import build
from generator.content.model import Coordinates
from generator.content.readers import load_site
from generator.pages.nearby import BATCH, NearbyGrid, haversine_m, list_key, nearby_settings

from .site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides, soup, tree
from .unit_records import copy_unit

KEY_UNIT = "91450126MA5L3K2R5Q001P"  # 22.8823 N, 108.9512 E (南宁市宾阳县)
NO_COORDINATES = "91450902MA5K8T4H2R001P"


def test_haversine_gives_the_known_distance():
    # One degree of latitude on the mean sphere is 111.195 km.
    assert haversine_m(22.0, 108.0, 23.0, 108.0) == pytest.approx(111_195, abs=1)
    assert haversine_m(22.88, 108.95, 22.88, 108.95) == 0


def _scattered(template, rng, count):
    """``count`` copies of ``template`` at random over about 20 by 20 km."""
    return [
        dataclasses.replace(
            template,
            fixed_source_code=f"U{i:05d}",
            name=f"单位{i}",
            coordinates=Coordinates(22.8 + rng.random() * 0.2, 108.9 + rng.random() * 0.2),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("radius_m", [300, 2000, 5000])
def test_the_grid_finds_what_a_full_scan_finds(site, radius_m):
    template = site.unit(KEY_UNIT)
    units = _scattered(template, random.Random(radius_m), 800)
    units.append(dataclasses.replace(template, fixed_source_code="U-none", coordinates=None))
    grid = NearbyGrid(units, radius_m, 5)
    for unit in units[:200]:
        here = unit.coordinates
        scan = sorted(
            (haversine_m(here.lat, here.lon, o.coordinates.lat, o.coordinates.lon), o.code)
            for o in units
            if o is not unit and o.coordinates is not None
        )
        expected = [code for metres, code in scan if metres <= radius_m][:5]
        assert [n.code for n in grid.near(unit)] == expected
    assert grid.near(units[-1]) is None


def _changed(units, rng, radius_m, changes):
    """``units`` after ``changes`` random edits: a unit added, removed, renamed, moved a
    little, moved far, moved to exactly the radius from another, or losing its coordinates."""
    units = list(units)
    for n in range(changes):
        kind = rng.choice(["add", "remove", "rename", "nudge", "jump", "edge", "unplace"])
        i = rng.randrange(len(units))
        unit = units[i]
        if kind == "add":
            spot = Coordinates(22.8 + rng.random() * 0.2, 108.9 + rng.random() * 0.2)
            units.append(dataclasses.replace(unit, fixed_source_code=f"N{n}{i}", coordinates=spot))
        elif kind == "remove":
            del units[i]
        elif kind == "rename":
            units[i] = dataclasses.replace(unit, name=unit.name + "改")
        elif unit.coordinates is None or kind == "unplace":
            units[i] = dataclasses.replace(unit, coordinates=None)
        else:
            c, other = unit.coordinates, units[rng.randrange(len(units))].coordinates
            if kind == "nudge":
                c = Coordinates(c.lat + rng.uniform(-1, 1) * 0.003, c.lon)
            elif kind == "jump":
                c = Coordinates(22.8 + rng.random() * 0.2, 108.9 + rng.random() * 0.2)
            elif other is not None:  # edge: due north of another, at the radius
                c = Coordinates(other.lat + radius_m / 111_195.0, other.lon)
            units[i] = dataclasses.replace(unit, coordinates=c)
    return units


@pytest.mark.parametrize("seed", range(6))
def test_lists_made_again_near_the_changes_are_the_lists_made_afresh(site, seed):
    """``keys_since`` redoes only the lists near a change; whatever the change (a unit added,
    removed, renamed, moved, put at the radius's edge, without coordinates), its lists are
    those of a grid made from nothing, build after build."""
    rng = random.Random(seed)
    radius_m, count = rng.choice([(500, 2), (2000, 5), (5000, 3)])
    units = _scattered(site.unit(KEY_UNIT), rng, 600)
    grid = NearbyGrid(units, radius_m, count)
    kept = grid.kept(grid.keys())
    for _ in range(8):
        units = _changed(units, rng, radius_m, rng.choice([1, 1, 3, 20]))
        grid = NearbyGrid(units, radius_m, count)
        keys = grid.keys_since(kept)
        assert keys == grid.keys()
        kept = grid.kept(keys)
    other = NearbyGrid(units, radius_m + 100, count)  # another radius: made afresh
    assert other.keys_since(kept) == other.keys()


def test_equal_distances_go_by_code_at_the_cut(site):
    template = site.unit(KEY_UNIT)
    here = dataclasses.replace(template, fixed_source_code="A", coordinates=Coordinates(22.9, 109))
    # Eight units on one spot 500 m north: only the first two codes are listed.
    same = [
        dataclasses.replace(
            template, fixed_source_code=f"Z{c}", coordinates=Coordinates(22.9045, 109)
        )
        for c in "HDFBGCEA"
    ]
    grid = NearbyGrid([*same, here], 5000, 2)
    assert [n.code for n in grid.near(here)] == ["ZA", "ZB"]
    assert [n.metres for n in grid.near(here)] == [500, 500]


def test_a_crowded_park_is_measured_in_batches(site):
    template = site.unit(KEY_UNIT)
    rng = random.Random(7)
    units = [
        dataclasses.replace(
            template,
            fixed_source_code=f"P{i:04d}",
            coordinates=Coordinates(22.9 + rng.random() * 0.01, 109 + rng.random() * 0.01),
        )
        for i in range(1200)
    ]
    grid = NearbyGrid(units, 5000, 3)
    keys = grid.keys()
    assert max(len(m) for m in grid.cells.values()) > BATCH and len(keys) == 1200
    assert all(keys[u.code] == list_key(grid.near(u), 5000) for u in units[::37])


@pytest.mark.parametrize(("name", "value"), [("nearby_count", 0), ("nearby_radius_m", -5)])
def test_a_bad_nearby_setting_is_named(name, value):
    with pytest.raises(
        ValueError, match=f"设置 {name}（环境变量 YIMATONG_{name.upper()}）应为正整数"
    ):
        nearby_settings({name: value})


def _place(content, code, lat, lon, name=None):
    path = content / "units" / f"{code}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["coordinates"] = {"lat": lat, "lon": lon}
    if name:
        record["name"] = name
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def _build(content, out, tmp):
    with on_fixture_day():
        return build(
            content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp, nearby_count=2)
        )


@pytest.fixture
def neighbours(tmp_path):
    """The fixture with three more units 300 m, 1.2 km and 2.4 km north of the key unit."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    near = copy_unit(content, KEY_UNIT, "MA5L3K2R9", "二")
    middle = copy_unit(content, KEY_UNIT, "MA5L3K2R8", "三")
    far = copy_unit(content, KEY_UNIT, "MA5L3K2R7", "四")
    _place(content, near, 22.8823 + 0.0027, 108.9512)
    _place(content, middle, 22.8823 + 0.0108, 108.9512)
    _place(content, far, 22.8823 + 0.0216, 108.9512)
    return content, near, middle, far


def _listed(page):
    return [
        (li.select_one("a")["href"], li.select_one("a").get_text(), li.select_one(".distance").text)
        for li in page.select("section.nearby .nearby-list li")
    ]


def test_unit_and_outlet_pages_list_the_nearest_units(tmp_path, neighbours):
    content, near, middle, _ = neighbours
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    expected = [
        (urls.unit_path(near), "广西宾阳宏达糖业有限公司二厂", "300 米"),
        (urls.unit_path(middle), "广西宾阳宏达糖业有限公司三厂", "1.2 公里"),
    ]
    page = soup(out, urls.unit_path(KEY_UNIT))
    assert _listed(page) == expected, "the two nearest (nearby_count=2), nearest first"
    assert page.select_one("nav.toc a[href='#h-nearby']") is not None
    assert "5 公里内" in page.select_one("section.nearby p.small").text
    outlet = soup(out, urls.outlet_path(KEY_UNIT, "DW001"))
    assert _listed(outlet) == expected
    lonely = soup(out, urls.unit_path(NO_COORDINATES))
    assert "没有登记坐标" in lonely.select_one("section.nearby .nearby-none").text
    assert not lonely.select("section.nearby .nearby-list")


def test_a_unit_far_from_any_other_says_so(site_dir):
    page = soup(site_dir, urls.unit_path("91450222MA5N7P3C8N001P"))  # 柳州市, alone there
    assert "5 公里内没有其他公开的排污单位" in page.select_one("section.nearby .nearby-none").text


def test_an_incremental_build_redoes_a_page_whose_nearby_list_changed(tmp_path, neighbours):
    content, near, middle, far = neighbours
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    # The nearest neighbour is renamed, then moved out of the radius: only its file changes.
    _place(content, near, 22.8823 + 0.0027, 108.9512, name="宾阳改名糖厂")
    second = _build(content, out, tmp_path)
    assert not second.full
    assert _listed(soup(out, urls.unit_path(KEY_UNIT)))[0][1] == "宾阳改名糖厂"
    assert _listed(soup(out, urls.outlet_path(KEY_UNIT, "DW001")))[0][1] == "宾阳改名糖厂"
    _place(content, near, 23.5, 108.9512)
    _build(content, out, tmp_path)
    assert [href for href, _, _ in _listed(soup(out, urls.unit_path(KEY_UNIT)))] == [
        urls.unit_path(middle),
        urls.unit_path(far),
    ]
    fresh = tmp_path / "fresh"
    _build(content, fresh, tmp_path / "other-cache")
    assert tree(out) == tree(fresh)


def test_a_renamed_neighbour_changes_pages_keys_not_the_steps_keys(tmp_path, neighbours):
    """The steps (search, open data, directory, feeds) show nothing of a nearby list: their
    unit keys change for the renamed unit alone, the pages' for every unit listing it."""
    content, near, middle, far = neighbours
    conf = settings_mod.resolve(overrides(tmp_path, nearby_count=2))

    def keys() -> tuple[dict[str, str], dict[str, str]]:
        with on_fixture_day():
            site = load_site(content)
            steps = source_keys(content, site)
            return steps, with_nearby(site, steps, conf)

    steps, pages = keys()
    _place(content, near, 22.8823 + 0.0027, 108.9512, name="宾阳改名糖厂")
    steps_after, pages_after = keys()
    assert {c for c in steps if steps[c] != steps_after[c]} == {near}
    changed = {c for c in pages if pages[c] != pages_after[c]}
    assert {near, KEY_UNIT} <= changed  # the key unit lists its nearest neighbour


def test_a_renamed_neighbour_redoes_only_the_pages_of_the_units_listing_it(tmp_path, neighbours):
    """A unit whose nearby list changed gets its unit and outlet pages again, not its data
    files, feed or QR codes: they show nothing of the list, so they stay the same files."""
    content, near, _, _ = neighbours
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    folder = out / urls.unit_path(KEY_UNIT).strip("/")
    kept = ["data.json", "data.csv", "feed.atom", "qr.svg", "qr.png", "DW001/qr.svg"]
    pages = ["index.html", "DW001/index.html"]
    before = {name: (folder / name).stat().st_ino for name in kept + pages}
    _place(content, near, 22.8823 + 0.0027, 108.9512, name="宾阳改名糖厂")
    second = _build(content, out, tmp_path)
    assert not second.full
    after = {name: (folder / name).stat().st_ino for name in kept + pages}
    assert [n for n in kept if after[n] != before[n]] == []
    assert [n for n in pages if after[n] == before[n]] == []  # written again
    assert _listed(soup(out, urls.unit_path(KEY_UNIT)))[0][1] == "宾阳改名糖厂"
    # The renamed unit itself gets every file again (its data files show the new name).
    renamed = out / urls.unit_path(near).strip("/")
    assert "宾阳改名糖厂" in (renamed / "data.json").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    _build(content, fresh, tmp_path / "other-cache")
    assert tree(out) == tree(fresh)
