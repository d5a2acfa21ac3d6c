"""What a step that writes one line (or a few) per unit keeps of the last build: each unit's
text with the unit's key, so a build makes again only the changed units' text (the directory
and events files; docs/build.md)."""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.directory.records import write_atomically

if TYPE_CHECKING:
    from generator.context import BuildContext


class KeptLines:
    """The units' text of the last build, kept in ``<cache>/<name>/`` under a key of the
    code and of whatever else the text depends on (``depends``); ``text`` gives a unit's text,
    the kept one when its key is the same, and ``save`` keeps this build's.

    Without unit keys or a cache folder (outside a build) nothing is kept: every text is made.
    """

    def __init__(self, ctx: BuildContext | None, name: str, depends: str = "") -> None:
        from generator.context import step_code_key

        self.keys = ctx.unit_keys if ctx is not None else None
        folder = ctx.cache_dir if ctx is not None else None
        self.path: Path | None = None
        self.kept: dict[str, tuple[str, str]] = {}
        self.fresh: dict[str, tuple[str, str]] = {}
        self.made = 0
        if not self.keys or folder is None:
            return
        generation = hashlib.sha1(f"{step_code_key()}\n{depends}".encode()).hexdigest()[:20]
        self.path = folder / name / f"{generation}.pickle"
        # ImportError, AttributeError: kept by a version whose classes lived elsewhere.
        broken = (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError)
        with contextlib.suppress(*broken, ImportError, AttributeError):
            kept = pickle.loads(self.path.read_bytes())
            if isinstance(kept, dict):
                self.kept = kept

    def text(self, code: str, make: Callable[[], str], extra: str = "") -> str:
        """Unit ``code``'s text: kept when its key (with ``extra``, what else this unit's text
        depends on) is the last build's, else ``make()``."""
        key = self.keys.get(code, "") if self.keys else ""
        if key:
            key += extra
            old = self.kept.get(code)
            if old is not None and old[0] == key:
                self.fresh[code] = old
                return old[1]
        made, self.made = make(), self.made + 1
        if key:
            self.fresh[code] = (key, made)
        return made

    def save(self) -> None:
        """Keep this build's texts (when any changed), atomically and through a file of this
        writer's own (builds into other folders may share the cache); what other code
        versions kept is removed."""
        if self.path is None or (not self.made and len(self.fresh) == len(self.kept)):
            return
        for old in self.path.parent.glob("*.pickle"):
            if old != self.path:
                old.unlink(missing_ok=True)
        raw = pickle.dumps(self.fresh, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(self.path, raw, durable=False)  # a cache: a lost one is made again
