"""Whom a search index was made for, so a build and the service notice an index that belongs
to another site (e.g. the test fixture's four units over the sample's) and do not trust it.

The index's metadata (``yimatong-search.json``) carries two stamps:

- ``site``: ``site_identity(site)``, computed from the loaded ``Site`` alone, so the feedback
  service compares it with the site it loaded itself;
- ``build``: the key of the search step's inputs in the build that wrote it (unit keys,
  settings, code), so ``yimatong build`` rebuilds an index some other build replaced.

See docs/search.md ("Which site an index belongs to").
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.content.model import Site

#: The metadata file of an index folder (its other files: generator/search/files.py).
META_FILE = "yimatong-search.json"


def site_identity(site: Site) -> str:
    """Fingerprint of what the index holds of ``site``: its as-of date, units (by code, in
    order) and pages (by slug). Cheap enough for the service to compute at start."""
    sha = hashlib.sha1(f"{site.as_of.isoformat()}\n{len(site.units)}\n".encode())
    for unit in site.units:
        sha.update(unit.fixed_source_code.encode() + b"\n")
    for page in site.pages:
        sha.update(b"page:" + page.slug.encode() + b"\n")
    return sha.hexdigest()[:16]


def index_stamps(folder: Path | str) -> dict[str, str] | None:
    """The ``site`` and ``build`` stamps of the index at ``folder`` ("" when the index is
    older than the stamps), or None when there is no readable index there."""
    try:
        meta = json.loads((Path(folder) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    return {"site": str(meta.get("site", "")), "build": str(meta.get("build", ""))}


def index_matches_build(folder: Path | str, build: str) -> bool:
    """Whether the index at ``folder`` is the one a build with step key ``build`` wrote."""
    stamps = index_stamps(folder)
    return stamps is not None and bool(build) and stamps["build"] == build


def mismatch_message(folder: Path | str, expected: str, found: str) -> str:
    """What the service logs when the index at ``folder`` was made for another site."""
    return (
        f"搜索索引 {folder} 不是为当前网站生成的（索引标记 {found or '无'}，网站 {expected}）："
        "请运行 yimatong build 重新生成索引和目录文件；服务会自动读取新的构建，无需重启。"
    )
