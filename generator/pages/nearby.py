"""Nearby published units: the nearest units to each unit, from the stored WGS-84 coordinates.

A spatial grid whose cells are at least the radius wide: a unit's neighbours within the radius
are in its own cell or the eight around it, so finding them costs the few units of nine cells,
not the whole province (55,900 units; ``bench/nearby_bench.py`` measures it). Distances are
great-circle (mean Earth radius), rounded as the pages print them; the unit keys
hold the same rounded lists (``nearby_keys``), so a unit's page is made again when a
neighbour's name, code or distance changes (docs/build.md, "Incremental builds").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from generator.content.model import Site, Unit
from generator.settings import declared

#: Mean Earth radius in metres (IUGG).
EARTH_M = 6_371_008.8
#: Metres of one degree of latitude on that sphere.
DEGREE_M = EARTH_M * math.pi / 180
#: Most units whose distances are taken at once (rows of one distance matrix).
BATCH = 256


@dataclass(frozen=True, slots=True)
class Neighbour:
    """One nearby unit: its code, name and distance (metres, rounded as printed)."""

    code: str
    name: str
    metres: int

    @property
    def distance(self) -> str:
        """The distance as the page prints it: 850 米, 1.2 公里."""
        if self.metres < 1000:
            return f"{self.metres} 米"
        return f"{self.metres / 1000:.1f} 公里"


def _code(unit: Unit) -> str:
    return unit.code


def _sphere(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """WGS-84 degrees as points on the unit sphere, one row each."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


class NearbyGrid:
    """The units with coordinates in cells of at least ``radius_m`` by ``radius_m``.

    Distances are taken with NumPy a cell at a time (the cell's units against the units of
    the nine cells around it, at most ``BATCH`` rows at once, so a crowded industrial park
    stays small in memory); a Python loop over the pairs is many times slower.
    """

    def __init__(self, units: Iterable[Unit], radius_m: int, count: int) -> None:
        # In code order: a unit's place breaks ties of distance.
        self.placed = sorted((u for u in units if u.coordinates is not None), key=_code)
        self.radius_m, self.count = radius_m, count
        lat = np.array([u.coordinates.lat for u in self.placed if u.coordinates], dtype=float)
        lon = np.array([u.coordinates.lon for u in self.placed if u.coordinates], dtype=float)
        widest = float(np.abs(lat).max()) if len(lat) else 0.0
        self.d_lat = max(radius_m, 1) / DEGREE_M
        # A degree of longitude is shortest at the highest latitude: cells wide enough there
        # are wide enough everywhere (capped near the poles, where no unit is).
        self.d_lon = self.d_lat / max(math.cos(math.radians(min(widest, 89.0))), 0.01)
        # Points on the unit sphere: the chord between two orders them as the arc does, and
        # costs a few subtractions (the arc is taken only for the ones shown).
        self.xyz = _sphere(lat, lon)
        self.chord = 2 * math.sin(min(radius_m / EARTH_M, math.pi) / 2)
        self.position = {u.code: i for i, u in enumerate(self.placed)}
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, unit in enumerate(self.placed):
            cells[self._cell(unit)].append(i)
        self.cells = {cell: np.array(found, dtype=np.intp) for cell, found in cells.items()}

    def _cell(self, unit: Unit) -> tuple[int, int]:
        assert unit.coordinates is not None
        c = unit.coordinates
        return math.floor(c.lat / self.d_lat), math.floor(c.lon / self.d_lon)

    def _around(self, cell: tuple[int, int]) -> np.ndarray:
        """The units of ``cell`` and the eight cells around it."""
        row, col = cell
        found = [
            self.cells[(r, c)]
            for r in (row - 1, row, row + 1)
            for c in (col - 1, col, col + 1)
            if (r, c) in self.cells
        ]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.intp)

    def _nearest(
        self, points: np.ndarray, own: np.ndarray, around: np.ndarray
    ) -> list[list[tuple[int, int]]]:
        """For each point (on the unit sphere; ``own``: its place in the grid, -1 outside it)
        the ``count`` nearest units of ``around`` within the radius, nearest first, as
        (place in the grid, metres as printed)."""
        there = self.xyz[around]
        chord = np.sqrt(sum((there[None, :, i] - points[:, None, i]) ** 2 for i in range(3)))
        chord[(chord > self.chord) | (around[None, :] == own[:, None])] = np.inf
        order = self._order(chord)
        chords = np.take_along_axis(chord, order, 1)
        kept = np.isfinite(chords)
        nearest = 2 * EARTH_M * np.arcsin(np.minimum(1.0, np.where(kept, chords, 0) / 2))
        step = np.where(nearest < 995, 10, 100)
        # Metres as printed: to 10 m below 1 km, to 100 m above (the page shows 1.2 公里).
        shown = (np.round(nearest / step) * step).astype(int).tolist()
        # Sorted, the units beyond the radius (infinite) come last.
        counts = kept.sum(axis=1).tolist()
        found = around[order].tolist()
        return [
            list(zip(f[:n], m[:n], strict=True))
            for f, m, n in zip(found, shown, counts, strict=True)
        ]

    def _order(self, chord: np.ndarray) -> np.ndarray:
        """Columns of the ``count`` smallest chords of each row, smallest first, equal ones in
        column order (``around`` is in code order: ties go by code)."""
        k = self.count
        if chord.shape[1] <= k:
            return np.argsort(chord, axis=1, kind="stable")
        # The k smallest by a partition (linear), then sorted; a row whose k-th chord equals
        # one left out (a tie at the cut) is sorted whole, so the tie still goes by code.
        part = np.argpartition(chord, k - 1, axis=1)[:, :k]
        cut = np.take_along_axis(chord, part, 1).max(axis=1)
        part = np.sort(part, axis=1)
        picked = np.take_along_axis(chord, part, 1)
        order = np.take_along_axis(part, np.argsort(picked, axis=1, kind="stable"), 1)
        tied = (chord <= cut[:, None]).sum(axis=1) > k
        tied &= np.isfinite(cut)
        if tied.any():
            order[tied] = np.argsort(chord[tied], axis=1, kind="stable")[:, :k]
        return order

    def near(self, unit: Unit) -> tuple[Neighbour, ...] | None:
        """The ``count`` nearest other units within the radius, nearest first (ties by code);
        None when ``unit`` has no coordinates."""
        if unit.coordinates is None:
            return None
        c = unit.coordinates
        own = np.array([self.position.get(unit.code, -1)])
        around = self._around(self._cell(unit))
        found = self._nearest(_sphere(np.array([c.lat]), np.array([c.lon])), own, around)[0]
        return tuple(Neighbour(self.placed[i].code, self.placed[i].name, m) for i, m in found)

    def keys(self, only: set[int] | None = None) -> dict[str, str]:
        """Unit code -> ``list_key`` of its nearby list, for every unit with coordinates, or
        for the units at the places ``only`` in the grid (a cell at a time; the same text
        ``list_key`` makes of ``near``)."""
        labels = [f"{u.code},{u.name}," for u in self.placed]
        head = f"{self.radius_m}|"
        keys: dict[str, str] = {}
        for cell, members in self._cells_of(only):
            around = self._around(cell)
            for start in range(0, len(members), BATCH):
                rows = members[start : start + BATCH]
                lists = self._nearest(self.xyz[rows], rows, around)
                for i, near in zip(rows.tolist(), lists, strict=True):
                    keys[self.placed[i].code] = head + ";".join(f"{labels[j]}{m}" for j, m in near)
        return keys

    def _cells_of(self, only: set[int] | None) -> Iterable[tuple[tuple[int, int], np.ndarray]]:
        """The cells with their units (by place), all of them or those of ``only``."""
        if only is None:
            return self.cells.items()
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in sorted(only):
            cells[self._cell(self.placed[i])].append(i)
        return ((cell, np.array(found, dtype=np.intp)) for cell, found in cells.items())

    @cached_property
    def places(self) -> dict[str, tuple[str, float, float]]:
        """What the nearby lists are made of: each placed unit's name and coordinates."""
        return {
            u.code: (u.name, u.coordinates.lat, u.coordinates.lon)
            for u in self.placed
            if u.coordinates
        }

    def within(self, points: Iterable[tuple[float, float]]) -> set[int]:
        """The places in the grid of the units within the radius of any of ``points`` (WGS-84
        degrees), with a hair of margin: the units whose nearby lists a unit at one of them
        can be in."""
        found: set[int] = set()
        reach = self.chord * (1 + 1e-6)
        for lat, lon in points:
            cell = math.floor(lat / self.d_lat), math.floor(lon / self.d_lon)
            around = self._around(cell)
            if not len(around):
                continue
            point = _sphere(np.array([lat]), np.array([lon]))[0]
            chord = np.sqrt(((self.xyz[around] - point) ** 2).sum(axis=1))
            found.update(around[chord <= reach].tolist())
        return found

    def keys_since(self, kept: KeptNearby | None) -> dict[str, str]:
        """``keys``, computed again only for the units near a unit that was added, removed,
        renamed or moved since ``kept`` (the last build's lists, same radius and count);
        the others' lists cannot have changed. All of them without ``kept``, or when many
        units changed (then the one walk over the grid is cheaper)."""
        places = self.places
        if kept is None or kept.settings != (self.radius_m, self.count):
            return self.keys()
        changed = set(places.keys() ^ kept.places.keys())
        changed |= {c for c, p in places.items() if kept.places.get(c, p) != p}
        if len(changed) * REDO_ALL_SHARE > len(places):
            return self.keys()
        points = [p[1:] for c in changed for p in (places.get(c), kept.places.get(c)) if p]
        keys = {c: kept.keys[c] for c in places if c not in changed and c in kept.keys}
        redo = self.within(points)
        redo.update(self.position[c] for c in places if c not in keys)
        keys.update(self.keys(redo))
        return keys

    def kept(self, keys: dict[str, str]) -> KeptNearby:
        """What the next build needs to start from ``keys`` (made by this grid)."""
        return KeptNearby((self.radius_m, self.count), self.places, keys)


#: Above one changed unit in this many, every nearby list is made again in one walk.
REDO_ALL_SHARE = 50


@dataclass(frozen=True, slots=True)
class KeptNearby:
    """The nearby lists of the last build and what they were made of (the build state keeps
    it): the radius and count, each placed unit's name and coordinates, each list's key."""

    settings: tuple[int, int]
    places: dict[str, tuple[str, float, float]]
    keys: dict[str, str]


def nearby_settings(conf: dict[str, Any]) -> tuple[int, int]:
    """The ``nearby_radius_m`` and ``nearby_count`` settings of ``conf`` (declared defaults
    for a settings dict without them)."""
    values = []
    for name in ("nearby_radius_m", "nearby_count"):
        value = conf.get(name, declared(name).default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(
                f"设置 {name}（环境变量 {declared(name).env}）应为正整数，实为 {value!r}"
            )
        values.append(value)
    return values[0], values[1]


def grid(site: Site, conf: dict[str, Any]) -> NearbyGrid:
    """The grid of ``site``'s units with the ``nearby_radius_m`` and ``nearby_count`` settings."""
    return NearbyGrid(site.units, *nearby_settings(conf))


def list_key(found: tuple[Neighbour, ...] | None, radius_m: int) -> str:
    """What a unit's pages show of its neighbours, as text for its key ("" without any)."""
    if found is None:
        return ""
    shown = ";".join(f"{n.code},{n.name},{n.metres}" for n in found)
    return f"{radius_m}|{shown}"


def nearby_keys(site: Site, conf: dict[str, Any]) -> dict[str, str]:
    """Unit code -> ``list_key`` of its nearby list, for every unit with coordinates."""
    return grid(site, conf).keys()
