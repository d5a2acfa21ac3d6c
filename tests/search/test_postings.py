"""Our posting lists (generator/search/postings.py) read back exactly what was written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.search.postings import (
    LISTS_SUFFIX,
    TERMS_SUFFIX,
    Collected,
    Postings,
    write_collected,
    write_postings,
)

#: Document numbers around every LEB128 length (1 to 5 bytes) and the 32-bit limit.
EDGES = [0, 1, 127, 128, 16383, 16384, 2**21 - 1, 2**21, 2**28 - 1, 2**28, 2**32 - 1]

terms = st.text(min_size=1, max_size=4)
lists = st.sets(st.one_of(st.sampled_from(EDGES), st.integers(0, 2**32 - 1)), min_size=1)
postings = st.dictionaries(
    st.sampled_from(["text", "names", "codes", "exact", "kind", "city"]),
    st.dictionaries(terms, lists.map(sorted), max_size=8),
    max_size=4,
)


def _write(tmp_path, postings):
    prefix = tmp_path / "MAIN_x"
    count = write_postings(prefix, postings)
    assert count == sum(len(by_term) for by_term in postings.values())
    return Postings(prefix)


@settings(max_examples=60, deadline=None)
@given(postings=postings)
def test_every_list_reads_back(tmp_path_factory, postings):
    read = _write(tmp_path_factory.mktemp("postings"), postings)
    for name, by_term in postings.items():
        for term, docs in by_term.items():
            assert read.ids(name, term).tolist() == docs
        assert list(read.expand_prefix(name, "")) == sorted(by_term)


@settings(max_examples=40, deadline=None)
@given(postings=postings, prefix=st.text(max_size=2), other=terms)
def test_prefixes_and_absent_terms(tmp_path_factory, postings, prefix, other):
    read = _write(tmp_path_factory.mktemp("postings"), postings)
    for name, by_term in postings.items():
        expected = sorted(t for t in by_term if t.startswith(prefix))
        assert list(read.expand_prefix(name, prefix)) == expected
        if other not in by_term:
            assert read.ids(name, other).tolist() == []
    assert read.ids("no such field", other).tolist() == []
    assert list(read.expand_prefix("no such field", "")) == []


def test_long_lists_of_every_width(tmp_path):
    """A dense list (one byte a number) and a sparse one (up to five bytes a number)."""
    dense = list(range(0, 200_000, 3))
    sparse = sorted({n * 2_654_435_761 % 2**32 for n in range(5000)})
    read = _write(tmp_path, {"text": {"有限": dense, "宏达": sparse, "糖": [7]}})
    assert read.ids("text", "有限").tolist() == dense
    assert read.ids("text", "宏达").tolist() == sparse
    assert read.ids("text", "糖").tolist() == [7]


def test_nothing_to_write(tmp_path):
    """A segment without terms (no documents) still has its two files, and answers nothing."""
    read = _write(tmp_path, {})
    assert (tmp_path / f"MAIN_x{TERMS_SUFFIX}").is_file()
    assert (tmp_path / f"MAIN_x{LISTS_SUFFIX}").is_file()
    assert read.ids("text", "有限").tolist() == []


@settings(max_examples=60, deadline=None)
@given(postings=postings)
def test_compact_collection_writes_the_same_bytes(tmp_path_factory, postings):
    """The build's compact collection (one array of pairs, sorted once) writes the files the
    lists of ints wrote, byte for byte, and reads as the same lists."""
    folder = tmp_path_factory.mktemp("compact")
    by_doc: dict[int, dict[str, list[str]]] = {}
    for name, by_term in postings.items():
        for term, docs in by_term.items():
            for doc in docs:
                by_doc.setdefault(doc, {}).setdefault(name, []).append(term)
    collected = Collected()
    for name in postings:  # a field whose every document has no term is listed too
        collected.add(name, [], 0)
    for doc in sorted(by_doc):
        for name, terms in by_doc[doc].items():
            collected.add(name, terms, doc)
    collected.finish()
    assert {n: {t: d.tolist() for t, d in f.items()} for n, f in collected.items()} == postings
    assert write_collected(folder / "new", collected) == write_postings(folder / "old", postings)
    for suffix in (TERMS_SUFFIX, LISTS_SUFFIX):
        new = (folder / f"new{suffix}").read_bytes()
        assert new == (folder / f"old{suffix}").read_bytes()
