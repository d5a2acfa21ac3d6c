"""Map links: WGS-84 converted to GCJ-02 and BD-09 (published reference points), on the pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from generator import urls
from generator.pages.maps import bd09, gcj02, map_links

from .site_helpers import soup

KEY_UNIT = "91450126MA5L3K2R5Q001P"

#: The reference point published with the common implementations (coordtransform, Hutool's
#: CoordinateUtilTest): WGS-84 39.915 N, 116.404 E in Beijing, as (lat, lon).
WGS = (39.915, 116.404)
GCJ = (39.91640428150164, 116.41024449916938)
BD = (39.922699552216216, 116.41662724378733)


def test_published_reference_point_converts_exactly():
    assert gcj02(*WGS) == pytest.approx(GCJ, abs=1e-9)
    assert bd09(*WGS) == pytest.approx(BD, abs=1e-9)


@pytest.mark.parametrize("point", [(22.8823, 108.9512), (45.75, 126.63), (18.25, 109.5)])
def test_chinese_points_move_by_the_known_hundreds_of_metres(point):
    lat, lon = gcj02(*point)
    shift = ((lat - point[0]) ** 2 + (lon - point[1]) ** 2) ** 0.5 * 111_000
    assert 100 < shift < 800


@pytest.mark.parametrize("point", [(48.8566, 2.3522), (-33.86, 151.21), (37.57, 126.98 + 10)])
def test_points_outside_china_are_left_as_they_are(point):
    assert gcj02(*point) == pytest.approx(point)


def query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def test_each_provider_gets_its_own_coordinate_system():
    links = {link.provider: link.href for link in map_links(*WGS, "广西宾阳&糖业", "南宁市 宾阳县")}
    amap = query(links["amap"])
    assert amap["position"] == f"{GCJ[1]:.6f},{GCJ[0]:.6f}" and amap["coordinate"] == "gaode"
    assert amap["name"] == "广西宾阳&糖业", "a name with & survives the query string"
    marker = query(links["tencent"])["marker"]
    assert marker.startswith(f"coord:{GCJ[0]:.6f},{GCJ[1]:.6f};title:广西宾阳&糖业;")
    baidu = query(links["baidu"])
    assert baidu["location"] == f"{BD[0]:.6f},{BD[1]:.6f}" and baidu["coord_type"] == "bd09ll"
    route = query(links["amap-route"])
    assert route["to"] == f"{GCJ[1]:.6f},{GCJ[0]:.6f},广西宾阳&糖业"


@pytest.mark.parametrize(
    ("path", "wgs"),
    [
        (urls.unit_path(KEY_UNIT), (22.8823, 108.9512)),
        (urls.outlet_path(KEY_UNIT, "DW001"), (22.8810, 108.9530)),
    ],
)
def test_unit_and_outlet_pages_offer_the_map_apps(site_dir, path, wgs):
    page = soup(site_dir, path)
    links = page.select("section.where .map-links a")
    assert [a.get_text() for a in links] == ["高德地图", "腾讯地图", "百度地图", "高德导航"]
    lat, lon = gcj02(*wgs)
    amap = query(page.select_one("a.map-amap")["href"])
    assert amap["position"] == f"{lon:.6f},{lat:.6f}"
    b_lat, b_lon = bd09(*wgs)
    assert query(page.select_one("a.map-baidu")["href"])["location"] == f"{b_lat:.6f},{b_lon:.6f}"


def test_a_unit_without_coordinates_has_no_map_section(site_dir):
    page = soup(site_dir, urls.unit_path("91450902MA5K8T4H2R001P"))
    assert page.select_one("section.where") is None
    assert not page.select("a[href='#h-where']") and not page.select(".map-links")
