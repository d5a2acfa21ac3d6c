"""'Open in map / navigate' links for unit and outlet pages: they live in generator.maps.

Kept under this name for the page code; the service makes the same links for officers and
may not import page code (pyproject.toml, the import rules).
"""

from __future__ import annotations

from generator.maps import SOURCE, MapLink, bd09, gcj02, map_links

__all__ = ["SOURCE", "MapLink", "bd09", "gcj02", "map_links"]
