"""Moving progress bars on from loops that run over hundreds of thousands of items."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

Item = TypeVar("Item")

#: A bar is moved on every this many items: updating it per item would cost more than the
#: work in the tightest loops.
TICK = 1000


def counted(items: Iterable[Item], bar: Any, every: int = TICK) -> Iterator[Item]:
    """Yield ``items``, moving ``bar`` (a tqdm bar, or None for none) on by one per item."""
    if bar is None:
        yield from items
        return
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % every == 0:
            bar.update(every)
    bar.update(done % every)
