"""The files of an index folder beside the segments: ready bitsets, code table, metadata;
writing a whole index and swapping a new folder in. No whoosh. See docs/search.md.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from generator.content.model import Site
from generator.search.identity import META_FILE, site_identity
from generator.search.postings import Collected
from generator.search.segment import Segment, write_segment, write_toc
from generator.search.text import FACETS, HIDDEN, Entry, facet_labels

HOT_FILE = "yimatong-hot.bin"
#: The code table: sorted codes and their documents (write_codes, read_codes).
CODES_FILE = "yimatong-codes.bin"
#: The code table of indexes written before 2026-12-03 (sorted JSON pairs), still read.
OLD_CODES_FILE = "yimatong-codes.json"
#: Storage number of each document in rank order; only after an update (update.py).
ORDER_FILE = "yimatong-order.bin"
#: Terms in at least this many documents are stored as ready bitsets too.
HOT_MIN_DOCS = 256


def hot_rows(postings: Collected) -> list[tuple[str, str]]:
    """Facet values and frequent terms, sorted: the ones stored as ready bitsets."""
    return sorted(
        (name, term)
        for name in postings
        for term, size in postings.lengths(name).items()
        if name in FACETS or name in HIDDEN or size >= HOT_MIN_DOCS
    )


def hot_matrix(postings: Collected, rows: list[tuple[str, str]], size: int) -> np.ndarray:
    """Bitsets of ``rows``, one row of bytes each (bit n = document n, little-endian)."""
    matrix = np.zeros((len(rows), (size + 7) // 8), dtype=np.uint8)
    bits = np.zeros(size, dtype=np.uint8)
    for i, (name, term) in enumerate(rows):
        bits[:] = 0
        bits[postings[name][term]] = 1
        matrix[i] = np.packbits(bits, bitorder="little")
    return matrix


def write_hot(rows: list[tuple[str, str]], matrix: np.ndarray, path: Path) -> dict:
    """Bitsets of facet values and frequent terms, ready to load: decoding tens of
    thousands of postings for 有限, 公司 or 广西 at every query would cost milliseconds."""
    table: dict[str, dict[str, list[int]]] = {}
    offset = 0
    with path.open("wb") as out:
        for (name, term), row in zip(rows, matrix, strict=True):
            data = zlib.compress(row.tobytes(), 1)
            out.write(data)
            table.setdefault(name, {})[term] = [offset, len(data)]
            offset += len(data)
    return table


def write_codes(codes: list[tuple[str, int]], folder: Path) -> None:
    """The code table of sorted (code, document) pairs: their count (8 bytes), each pair's
    document (4 bytes) and the codes, one per line in UTF-8 (codes are letters and digits,
    exact_key). A million units have 1.8 million codes: read as JSON pairs they took 6 s of
    an index's open, split from one string a tenth of that."""
    head = np.array([len(codes)], dtype="<u8").tobytes()
    docs = np.fromiter((d for _, d in codes), dtype="<i4", count=len(codes)).tobytes()
    keys = "\n".join(code for code, _ in codes).encode("utf-8")
    (folder / CODES_FILE).write_bytes(head + docs + keys)


def read_codes(folder: Path) -> tuple[list[str], list[int]]:
    """The code table of the index at ``folder``: the sorted codes and each one's document
    (an index written before the table had its own format: its JSON pairs)."""
    path = folder / CODES_FILE
    if not path.exists():
        pairs = json.loads((folder / OLD_CODES_FILE).read_text(encoding="utf-8"))
        return [key for key, _ in pairs], [docnum for _, docnum in pairs]
    data = path.read_bytes()
    count = int(np.frombuffer(data, dtype="<u8", count=1)[0])
    docs = np.frombuffer(data, dtype="<i4", count=count, offset=8).tolist()
    text = data[8 + 4 * count :].decode("utf-8")
    return (text.split("\n") if count else []), docs


def write_meta(site: Site, count: int, hot: dict, folder: Path, build: str = "") -> None:
    """Counts, facet labels, the table of ready bitsets and whom the index was made for:
    ``site`` (see identity.site_identity) and ``build`` (the key of the build step's inputs)."""
    meta = {
        "site": site_identity(site),
        "build": build,
        "documents": count,
        "units": len(site.units),
        "as_of": site.as_of.isoformat(),
        "labels": facet_labels(site),
        "hot": hot,
    }
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def write_full(
    site: Site, docs: list[Entry], folder: Path, bar: Any = None, build: str = ""
) -> tuple[Segment, list, np.ndarray]:
    """The whole index of ``docs`` (in rank order) in ``folder``; its hot rows and bitsets."""
    folder.mkdir(parents=True, exist_ok=True)
    written = write_segment(folder, docs, bar)
    write_toc(folder, [written.segment])
    write_codes(sorted(written.codes), folder)
    rows = hot_rows(written.postings)
    matrix = hot_matrix(written.postings, rows, written.count)
    write_meta(site, written.count, write_hot(rows, matrix, folder / HOT_FILE), folder, build)
    return written, rows, matrix


def publish(target: Path, fill: Callable[[Path], Any]) -> Path:
    """Let ``fill`` write an index into a temporary folder beside ``target``, then swap it in
    with two renames, so a reader never sees a half-written index."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=".search-index-", dir=target.parent))
    try:
        fill(temp)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(temp, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target
