"""Write outputs to a folder: pages through Frozen-Flask, units' data files and QR codes
straight to files (no request round trip), assets copied.

Work is split into chunks of whole records (a unit's page, data and QR files stay together)
and spread over forked processes, each taking the next chunk when it is free; each process
freezes its chunks with its own Frozen-Flask Freezer (a ``_Worker``) over the same site app,
which it inherited from the parent. Nothing is kept in module globals.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Iterable, Iterator
from itertools import groupby
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning
from tqdm import tqdm

from generator.pages.app import STATIC
from generator.pages.views.common import Output
from generator.pages.views.unit import data_file
from generator.qr.encode import QRCache, place

#: Below this many outputs the work is done in this process (forking costs more).
SERIAL_BELOW = 400
CHUNK = 120


class _Worker:
    """Per-process renderer: one Freezer, one QR cache."""

    def __init__(self, app: Flask, dest: Path, conf: dict[str, Any]) -> None:
        app.config.update(
            FREEZER_DESTINATION=str(dest),
            FREEZER_REMOVE_EXTRA_FILES=False,
            FREEZER_IGNORE_MIMETYPE_WARNINGS=True,
            FREEZER_REDIRECT_POLICY="error",
        )
        self.dest = dest
        self.cat = app.extensions["yimatong.catalog"]
        self.folders: set[Path] = set()
        self.paths: list[str] = []
        self.freezer = Freezer(
            app, with_static_files=False, with_no_argument_rules=False, log_url_for=False
        )
        self.freezer.register_generator(self._current)
        self.qr = QRCache(Path(conf["cache_dir"]) / "qr", conf["qr_error"], conf["qr_border"])
        self.base_url = conf["base_url"]

    def _current(self) -> Iterable[str]:
        return iter(self.paths)

    def _write(self, path: str, data: bytes) -> None:
        target = self.dest / path.lstrip("/")
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        target.write_bytes(data)

    def _place(self, path: str, source: Path) -> None:
        """Link the cached file ``source`` in at ``path`` (a copy where links fail)."""
        target = self.dest / path.lstrip("/")
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        place(source, target)

    def run(self, chunk: list[Output]) -> int:
        """Write every output of ``chunk``; returns how many."""
        self.paths = [o.path for o in chunk if o.kind == "page"]
        if self.paths:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MissingURLGeneratorWarning)
                for _ in self.freezer.freeze_yield():
                    pass
        for output in chunk:
            if output.kind == "qr":
                svg, png = self.qr.paths(output.url)
                self._place(output.path, svg if output.path.endswith(".svg") else png)
            elif output.kind == "data":
                self._write(
                    output.path,
                    data_file(self.cat, output.url, output.path.rsplit("/", 1)[1], self.base_url),
                )
            elif output.kind == "asset":
                self._write(output.path, (STATIC / output.url).read_bytes())
        return len(chunk)


def chunks(outputs: list[Output], size: int = CHUNK) -> list[list[Output]]:
    """Group outputs by record (owner), then pack records into chunks of about ``size``."""
    ordered = sorted(outputs, key=lambda o: (o.owner, o.path))
    found: list[list[Output]] = [[]]
    for _, group in groupby(ordered, key=lambda o: o.owner):
        if len(found[-1]) >= size:
            found.append([])
        found[-1].extend(group)
    return [c for c in found if c]


def render_outputs(
    app: Flask,
    outputs: list[Output],
    dest: Path,
    conf: dict[str, Any],
    *,
    jobs: int | None = None,
    progress: bool = True,
) -> None:
    """Write ``outputs`` into ``dest``, in parallel when there is enough work."""
    explicit, jobs = jobs is not None, jobs or os.cpu_count() or 1
    work = chunks(outputs)
    bar = tqdm(
        total=len(outputs), desc="生成页面", unit="文件", disable=not progress, smoothing=0.1
    )
    try:
        if jobs == 1 or (len(outputs) < SERIAL_BELOW and not explicit):
            worker = _Worker(app, dest, conf) if work else None
            for chunk in work:
                bar.update(worker.run(chunk) if worker is not None else 0)
        else:
            for done in _in_processes((app, dest, conf), work, jobs):
                bar.update(done)
    finally:
        bar.close()


def _in_processes(
    args: tuple[Flask, Path, dict[str, Any]], work: list[list[Output]], jobs: int
) -> Iterator[int]:
    """Render ``work`` in ``jobs`` forked processes, each taking the next chunk when it is
    free; yields how many outputs each chunk had. The first error stops them all."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    live: dict[Any, Any] = {}
    try:
        for _ in range(max(1, min(jobs, len(work)))):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(args, work, counter, send))
            process.start()
            send.close()
            live[receive] = process
        while live:
            for ready in wait(list(live)):
                yield _received(ready, live)
    finally:
        for receive, process in live.items():
            process.kill()
            process.join()
            receive.close()


def _received(receive: Any, live: dict[Any, Any]) -> int:
    """What one process sent: a chunk's count, 0 when it ended; raises the error it sent."""
    try:
        kind, value = receive.recv()
    except EOFError:
        process = live.pop(receive)
        process.join()
        receive.close()
        if process.exitcode != 0:
            raise RuntimeError(f"生成页面的进程意外退出（退出码 {process.exitcode}）") from None
        return 0
    if kind == "error":
        raise value
    return int(value)


def _child(args: tuple[Flask, Path, dict[str, Any]], work: list, counter: Any, send: Any) -> None:
    """Body of a forked renderer: take chunks until none is left; send counts or the error."""
    try:
        worker = None
        while True:
            with counter.get_lock():
                number, counter.value = counter.value, counter.value + 1
            if number >= len(work):
                break
            worker = worker or _Worker(*args)
            send.send(("done", worker.run(work[number])))
    except BaseException as error:  # the parent raises it
        try:
            send.send(("error", error))
        except Exception:  # the error itself could not be pickled
            send.send(("error", RuntimeError(repr(error))))
    finally:
        send.close()
