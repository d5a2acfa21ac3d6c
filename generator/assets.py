"""Where the site's templates and static files are, in a checkout and in an installed package.

``site/`` installs as the data package ``yimatong_site`` (see pyproject.toml), so nothing
climbs out of a package with ``parent.parent``: a normal, non-editable install finds the same
files as a checkout.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path


@cache
def site_dir() -> Path:
    """The folder holding ``templates/`` and ``static/`` of the site."""
    spec = importlib.util.find_spec("yimatong_site")
    locations = (spec.submodule_search_locations or ()) if spec else ()
    for location in locations:
        path = Path(location)
        if (path / "templates").is_dir():
            return path.resolve()
    raise RuntimeError("找不到网站模板与静态文件（yimatong_site）：请重新安装 yimatong")


def templates_dir() -> Path:
    """The Jinja templates of the static site."""
    return site_dir() / "templates"


def static_dir() -> Path:
    """The static files (CSS, icons, scripts) of the static site."""
    return site_dir() / "static"


def code_files(names: tuple[str, ...]) -> list[tuple[str, Path]]:
    """Files under ``site/…`` or ``generator/…`` names, each with its name relative to the tree.

    A name that matches nothing is an error, not an empty list: a renamed module left in a
    cache key's list would otherwise stop invalidating the cache without anyone noticing.
    """
    package_root = Path(__file__).resolve().parent.parent
    found: list[tuple[str, Path]] = []
    for name in names:
        head, _, rest = name.partition("/")
        root = site_dir() / rest if head == "site" else package_root / name
        if not root.exists():
            raise RuntimeError(f"cache key names {name}, which does not exist")
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts:
                found.append((f"{name}{str(path)[len(str(root)) :]}", path))
    return found
