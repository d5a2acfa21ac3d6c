"""Where a login may send the browser next: only paths of this site, never another host."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

#: More layers of percent-encoding than this are refused outright.
MAX_DECODINGS = 4
#: Characters browsers drop or act on inside URLs: C0/C1 controls, format chars, line breaks.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _decodings(target: str) -> list[str] | None:
    """The target and each further percent-decoding of it; None if it never settles."""
    forms = [target]
    for _ in range(MAX_DECODINGS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _same_site_path(text: str) -> bool:
    """Whether ``text`` read as a URL can only be a path on the current host."""
    if any(c == "\\" or unicodedata.category(c) in _REFUSED_CATEGORIES for c in text):
        return False
    if not text.startswith("/") or text.startswith("//"):
        return False
    parts = urlsplit(text)
    return not (parts.scheme or parts.netloc)


def is_safe_path(target: str) -> bool:
    """A same-site relative path in every decoded and compatibility-normalized reading."""
    forms = _decodings(target)
    if not target or forms is None:
        return False
    readings = {r for form in forms for r in (form, unicodedata.normalize("NFKC", form))}
    return all(_same_site_path(reading) for reading in readings)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a safe same-site path, else ``fallback``."""
    return target if target and is_safe_path(target) else fallback
