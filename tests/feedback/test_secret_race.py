"""Processes that start together in one instance folder without a configured secret end up
with one development secret (a cookie one signs, another reads), never an empty or torn one."""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path
from types import SimpleNamespace

from feedback.app import _secret_key

PROCESSES = 8


def _make(instance: str, barrier, results) -> None:  # type: ignore[no-untyped-def]
    # Each process is held up a different while before it writes (a busy machine): some have
    # written and read their secret before others have written theirs.
    write = Path.write_text

    def slow_write(self: Path, data: str, *args, **kwargs) -> int:  # type: ignore[no-untyped-def]
        time.sleep(random.uniform(0, 0.2))
        return write(self, data, *args, **kwargs)

    Path.write_text = slow_write  # type: ignore[method-assign]  # in this child process only
    barrier.wait()
    results.put(_secret_key(SimpleNamespace(instance_path=instance)))  # type: ignore[arg-type]


def test_processes_starting_together_share_one_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for attempt in range(3):
        instance = tmp_path / f"instance{attempt}"
        instance.mkdir()
        barrier, results = context.Barrier(PROCESSES), context.Queue()
        workers = [
            context.Process(target=_make, args=(str(instance), barrier, results))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        secrets = [results.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        assert len(set(secrets)) == 1 and len(secrets[0]) == 64
        assert (instance / "secret_key").read_text() == secrets[0]
        assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no drafts left


def test_an_existing_secret_is_kept(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("k" * 64 + "\n")
    assert _secret_key(SimpleNamespace(instance_path=str(tmp_path))) == "k" * 64  # type: ignore[arg-type]
