"""'Open in map / navigate' links for the map apps people in China use.

Stored coordinates are WGS-84. AMap (高德) and Tencent maps take GCJ-02 and Baidu takes
BD-09; the conversions are the published formulas as implemented by the ``coordTransform``
package (checked against the published reference points in tests/generator/test_maps.py).
Outside mainland China the formulas leave a point as it is.

A module of the bottom layer (beside generator.urls), so the unit pages and the service's
officer case page (the point a reporter pinned, feedback/place.py) make the same links.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from coordTransform import wgs84_to_bd09, wgs84_to_gcj02

#: Who asks, as the providers' link APIs want it named.
SOURCE = "yimatong"


@dataclass(frozen=True, slots=True)
class MapLink:
    """One link: which app, what the link does, and its address."""

    provider: str
    label: str
    href: str


def _fixed(value: float) -> str:
    """A coordinate to six decimals (about 0.1 m)."""
    return f"{value:.6f}"


def gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 ``lat``, ``lon`` in GCJ-02, as (lat, lon)."""
    lng, la = wgs84_to_gcj02(lon, lat)
    return la, lng


def bd09(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 ``lat``, ``lon`` in BD-09, as (lat, lon)."""
    lng, la = wgs84_to_bd09(lon, lat)
    return la, lng


def map_links(lat: float, lon: float, name: str, address: str = "") -> list[MapLink]:
    """Marker links in AMap, Tencent and Baidu maps and an AMap route to the point."""
    g_lat, g_lon = (_fixed(v) for v in gcj02(lat, lon))
    b_lat, b_lon = (_fixed(v) for v in bd09(lat, lon))
    amap = {"position": f"{g_lon},{g_lat}", "name": name, "src": SOURCE}
    amap_flags = {"coordinate": "gaode", "callnative": "1"}
    route = {"to": f"{g_lon},{g_lat},{name}", "mode": "car", "src": SOURCE}
    tencent = f"coord:{g_lat},{g_lon};title:{name};addr:{address or name}"
    baidu = {"location": f"{b_lat},{b_lon}", "title": name, "content": address or name}
    baidu_flags = {"output": "html", "coord_type": "bd09ll", "src": SOURCE}
    return [
        MapLink("amap", "高德地图", "https://uri.amap.com/marker?" + _query(amap | amap_flags)),
        MapLink(
            "tencent",
            "腾讯地图",
            "https://apis.map.qq.com/uri/v1/marker?"
            + _query({"marker": tencent, "referer": SOURCE}),
        ),
        MapLink(
            "baidu", "百度地图", "https://api.map.baidu.com/marker?" + _query(baidu | baidu_flags)
        ),
        MapLink(
            "amap-route",
            "高德导航",
            "https://uri.amap.com/navigation?" + _query(route | amap_flags),
        ),
    ]


def _query(params: dict[str, str]) -> str:
    """A query string, UTF-8 percent-encoded, keeping the separators the providers read."""
    return urlencode(params, quote_via=quote, safe=",:;")
