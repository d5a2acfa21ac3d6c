"""Mark the parts of a text that a query matched: everything escaped, matches in <mark>."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from generator.search.text import fold


def _spans(folded: str, needles: list[str]) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    return spans


def _needles(folded: str, fragments: list[str]) -> list[str]:
    """Each fragment whole if it occurs, else its 2-grams (they matched separately)."""
    needles = []
    for fragment in fragments:
        if fragment in folded or len(fragment) <= 2:
            needles.append(fragment)
        else:
            needles.extend(fragment[i : i + 2] for i in range(len(fragment) - 1))
    return needles


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, fragments: list[str]) -> Markup:
    """``text`` escaped, with every match of the folded ``fragments`` wrapped in <mark>."""
    folded = fold(text)  # same length as text
    out, last = [], 0
    for start, end in _merge(_spans(folded, _needles(folded, fragments))):
        out.append(f"{escape(text[last:start])}<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return Markup("".join(out))  # noqa: S704 - every piece of text was escaped above
