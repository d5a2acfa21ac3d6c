"""Progress bars moved on from long loops."""

from __future__ import annotations

import io

from tqdm import tqdm

from generator.progress import counted


def test_counted_yields_every_item_and_moves_the_bar_by_all_of_them():
    with tqdm(total=2345, file=io.StringIO()) as bar:
        assert list(counted(range(2345), bar, every=1000)) == list(range(2345))
        assert bar.n == 2345
    assert list(counted(iter("abc"), None)) == ["a", "b", "c"]
