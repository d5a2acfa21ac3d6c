"""Writing one segment of the index: display records through whoosh, postings of our own.

whoosh's public codec API stores each document's display record (``per_document_writer``)
and lists segments in its table of contents; the posting lists go to our two files beside
them (generator/search/postings.py). This module and generator/search/reader.py are the
only ones that import whoosh. See docs/search.md.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from generator.progress import counted
from generator.search.names import heads
from generator.search.postings import Collected, write_collected
from generator.search.sound import sound_pairs
from generator.search.text import BAND, FACETS, SIGNAL, Entry, SearchDoc, exact_key, grams, runs

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)  # whoosh-reloaded has an invalid escape
    from whoosh import fields as wf
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

TERM_FIELDS = ("text", "names", "codes", "exact", "cores", "sub", "heads", "sound")
INDEX_NAME = "MAIN"


class _Codec(W3Codec):
    """Whoosh's codec without per-document length statistics: we never score, only match."""

    length_stats = False


def schema() -> wf.Schema:
    """What whoosh holds of a document: its display record only (postings are ours)."""
    return wf.Schema(doc=wf.STORED)


def substrings(text: str) -> set[str]:
    """3- and 4-grams of each run: a fragment of 3 or 4 characters found as one piece."""
    return {run[i : i + n] for run in runs(text) for n in (3, 4) for i in range(len(run) - n + 1)}


def document_terms(entry: Entry) -> dict[str, set[str]]:
    """Index terms of one document, by field (see docs/search.md, "Ranking")."""
    doc = entry.doc
    terms = {
        "text": grams(entry.text),
        "names": grams(entry.names),
        "codes": {entry.outlet_code} if entry.outlet_code else set(),
        "exact": {e for e in entry.exact if e},
        "cores": set(entry.cores),
        "sub": substrings(entry.names),
        "heads": heads(entry.heads),
        "sound": set().union(*map(sound_pairs, runs(entry.names))) if doc.kind == "unit" else set(),
    }
    terms.update({f: {getattr(doc, f)} for f in FACETS if getattr(doc, f)})
    if entry.band:
        terms[BAND] = {entry.band}
        terms[SIGNAL] = {entry.signal}
    return terms


@dataclass
class Segment:
    """One segment we wrote: whoosh's segment, its postings (documents from 0), code keys."""

    segment: Any
    postings: Collected
    codes: list[tuple[str, int]]
    count: int


def _records(docs: list[Entry], perdoc: Any, bar: Any = None) -> Segment:
    """Store each document's display record; collect its postings and its code-table keys."""
    postings = Collected()
    codes: list[tuple[str, int]] = []
    stored = schema()["doc"]
    names = [f.name for f in fields(SearchDoc)]
    for docnum, entry in enumerate(counted(docs, bar)):
        perdoc.start_doc(docnum)
        # A tuple in field order: the field names would be stored again with every document.
        perdoc.add_field("doc", stored, tuple(getattr(entry.doc, n) for n in names), 0)
        perdoc.finish_doc()
        codes.extend((exact_key(code).upper(), docnum) for code in entry.codes if code)
        for name, terms in document_terms(entry).items():
            postings.add(name, terms, docnum)
    return Segment(None, postings.finish(), codes, len(docs))


def write_segment(folder: Path, docs: list[Entry], bar: Any = None) -> Segment:
    """Write ``docs`` as one segment in ``folder``. ``bar``, a progress bar whose total is
    ``len(docs)``, counts the documents, then the terms written."""
    storage = FileStorage(str(folder))
    codec = _Codec()
    segment = codec.new_segment(storage, INDEX_NAME)
    perdoc = codec.per_document_writer(storage, segment)
    written = _records(docs, perdoc, bar)
    perdoc.close()
    codec.field_writer(storage, segment).close()  # whoosh's term files, empty
    segment.set_doc_count(written.count)
    written.segment = segment
    if bar is not None:
        bar.total += len(written.postings.bounds) - 1
        bar.refresh()
    terms = write_collected(folder / segment.make_filename(""), written.postings)
    if bar is not None:
        bar.update(terms)
    return written


def segment_files(folder: Path, segment: Any) -> list[str]:
    """Names of the files of ``segment`` in ``folder`` (whoosh's and our postings)."""
    return sorted(segment.list_files(FileStorage(str(folder))))


def write_toc(folder: Path, segments: list[Any]) -> None:
    """Make ``segments`` (files already in ``folder``) the index, in this order."""
    TOC(schema(), segments, 0).write(FileStorage(str(folder)), INDEX_NAME)
