"""A tuple kept pickled until first read: how the load cache gives units their measurements.

A cache concern, so it lives beside the load cache (loadcache.py), not in the model: the
model only says a unit's measurements are a sequence.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import Any


class PickledTuple(Sequence):
    """A tuple kept pickled until first read, then read as the tuple it holds.

    The load cache gives units their measurements this way: an incremental build reads the
    monitoring data of the few units it renders, so the rest are never unpickled. Compares,
    hashes and prints as the tuple.
    """

    __slots__ = ("_data", "_items", "_len")

    def __init__(self, data: bytes, length: int) -> None:
        self._data = data
        self._len = length
        self._items: tuple | None = None

    def items(self) -> tuple:
        """The tuple itself (unpickled on first use)."""
        if self._items is None:
            self._items = pickle.loads(self._data)
        return self._items

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: Any) -> Any:
        return self.items()[index]

    def __iter__(self) -> Iterator:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PickledTuple):
            other = other.items()
        return self.items() == other

    def __hash__(self) -> int:
        return hash(self.items())

    def __repr__(self) -> str:
        return repr(self.items())

    def __reduce__(self) -> tuple:
        return PickledTuple, (self._data, self._len)
