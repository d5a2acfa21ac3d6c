"""The province a sample is made for: its names, body ids and city points (``--province``).

Guangxi (450000) keeps its hand-picked tables (city initials, pinyin ids, phone area codes,
city coordinates), so its sample stays byte-identical; any other province's sample takes
names from the GB/T 2260 table and plain ids from the codes (c01, c01-220102), and its
units carry no coordinates (the table has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.content.divisions import short_name
from generator.content.model import Division
from generator.sample.tables import CITIES, COUNTY_PINYIN

GUANGXI = "450000"
PHONE_PREFIX = {
    "450100": "0771",
    "450200": "0772",
    "450300": "0773",
    "450400": "0774",
    "450500": "0779",
    "450600": "0770",
    "450700": "0777",
    "450800": "0775",
    "450900": "0775",
    "451000": "0776",
    "451100": "0774",
    "451200": "0778",
    "451300": "0772",
    "451400": "0771",
}


@dataclass(frozen=True)
class Province:
    """One province's divisions and the names and ids its sample units and bodies use."""

    divisions: dict[str, Division]

    @property
    def code(self) -> str:
        """The province's GB/T 2260 code, e.g. 220000."""
        return next(c for c, d in self.divisions.items() if d.level == "province")

    @property
    def name(self) -> str:
        """Full name, e.g. 吉林省, 广西壮族自治区."""
        return self.divisions[self.code].name

    @property
    def short(self) -> str:
        """Short name used in company names, e.g. 吉林, 广西, 内蒙古."""
        return short_name(self.name)

    @property
    def body_id(self) -> str:
        """Id of the province's department in bodies.yaml: gx for Guangxi, else p22."""
        return "gx" if self.code == GUANGXI else f"p{self.code[:2]}"

    def cities(self) -> list[Division]:
        """Cities (and, in a municipality, the province itself) that counties sit under."""
        parents = {d.parent for d in self.divisions.values() if d.level == "county"}
        return [self.divisions[c] for c in sorted(p for p in parents if p)]

    def city_id(self, city: Division) -> str:
        """Body id of a city's bureau: nn for 南宁市, else c01 (the code's digits 3-4)."""
        known = CITIES.get(city.code)
        return known[0] if known else f"c{city.code[2:4]}"

    def city_letter(self, city: Division) -> str:
        """The one character of penalty decision numbers, e.g. 南 (南环罚〔2025〕12号)."""
        known = CITIES.get(city.code)
        return known[1] if known else city.name[0]

    def county_id(self, city: Division, county: Division) -> str:
        """Body id of a county branch: nn-binyang, else c01-220102."""
        slug = COUNTY_PINYIN.get(county.code, county.code)
        return f"{self.city_id(city)}-{slug}"

    def phone_prefix(self, city: Division) -> str:
        """Area code of a city's sample phone numbers (0771 for 南宁市, else 0 and digits)."""
        return PHONE_PREFIX.get(city.code) or "0" + city.code[:3]

    def point(self, city: Division) -> tuple[float, float] | None:
        """(lat, lon) of a city for sample coordinates, when the tables have it."""
        known = CITIES.get(city.code)
        return (known[2], known[3]) if known else None

    def rivers(self, guangxi: tuple[str, ...] | list[str]) -> tuple[str, ...] | list[str]:
        """Receiving waters to draw from: Guangxi's rivers there, plain names elsewhere."""
        return guangxi if self.code == GUANGXI else ("清水河", "东河", "西河", "南河", "北河")

    def place(self, city: Division, county: Division) -> str:
        """Address head, e.g. 吉林省长春市南关区 (a municipality's district: 北京市东城区)."""
        if city.code == self.code:
            return f"{self.name}{county.name}"
        return f"{self.name}{city.name}{county.name}"
