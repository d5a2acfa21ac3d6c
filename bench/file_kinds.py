"""What each kind of file of a unit costs to write: count, bytes, and the seconds to write
them all again (create and write, as a build does) or to link them (the QR codes).

    .venv/bin/python bench/file_kinds.py SITE_DIR [--sample 20000]

Reads a built site (e.g. the benchmark's), groups the files under /e/ by kind (unit page,
outlet page, data.json, data.csv, qr.svg, qr.png), and for a sample of each kind measures
writing copies into a scratch folder beside the site (same disk), then linking them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def kind_of(path: Path) -> str:
    """The kind of a unit's file: "unit page", "outlet page" or its name."""
    if path.name == "index.html":
        return "outlet page" if path.parent.name.startswith(("D", "W")) else "unit page"
    return path.name


def files_by_kind(site: Path) -> dict[str, list[Path]]:
    """Every file under the units' folder, by kind."""
    found: dict[str, list[Path]] = {}
    for folder, _, names in os.walk(site / "e"):
        for name in names:
            path = Path(folder, name)
            found.setdefault(kind_of(path), []).append(path)
    return found


def write_cost(paths: list[Path], scratch: Path) -> tuple[float, float]:
    """Seconds to write copies of ``paths`` (bytes read first) and to hard-link them."""
    data = [p.read_bytes() for p in paths]
    started = time.monotonic()
    for n, blob in enumerate(data):
        (scratch / f"w{n}").write_bytes(blob)
    written = time.monotonic() - started
    started = time.monotonic()
    for n, path in enumerate(paths):
        os.link(path, scratch / f"l{n}")
    return written, time.monotonic() - started


def main() -> None:
    """Print the table for one built site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--sample", type=int, default=20000)
    args = parser.parse_args()
    kinds = files_by_kind(args.site)
    units = len(kinds.get("unit page", [])) or 1
    print(f"{units:,} units; per kind: files, per unit, mean bytes, write µs/file, link µs/file")
    for kind, paths in sorted(kinds.items()):
        sample = paths[: args.sample]
        scratch = Path(tempfile.mkdtemp(dir=args.site.parent, prefix=".kinds-"))
        try:
            written, linked = write_cost(sample, scratch)
        finally:
            shutil.rmtree(scratch)
        size = sum(p.stat().st_size for p in sample) / len(sample)
        print(
            f"{kind:12} {len(paths):>9,} {len(paths) / units:5.2f} {size:9,.0f} B "
            f"{written / len(sample) * 1e6:8.0f} µs {linked / len(sample) * 1e6:8.0f} µs"
        )


if __name__ == "__main__":
    main()
