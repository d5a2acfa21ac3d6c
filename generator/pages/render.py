"""Write outputs to a folder: pages through Frozen-Flask, units' data files and QR codes
straight to files (no request round trip), assets copied.

Work is split into chunks of whole records (a unit's page, data and QR files stay together)
and spread over a pool of forked processes; each process freezes its chunks with its own
Frozen-Flask Freezer over the same site app, which it inherited from the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import Any

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning
from tqdm import tqdm

from generator.pages.app import STATIC
from generator.pages.views.common import Output
from generator.pages.views.unit import data_file
from generator.qr.encode import QRCache

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

    def _current(self) -> Iterable[str]:
        return iter(self.paths)

    def _write(self, path: str, data: bytes) -> None:
        target = self.dest / path.lstrip("/")
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        target.write_bytes(data)

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
                svg, png = self.qr.get(output.url)
                self._write(output.path, svg if output.path.endswith(".svg") else png)
            elif output.kind == "data":
                self._write(
                    output.path, data_file(self.cat, output.url, output.path.rsplit("/", 1)[1])
                )
            elif output.kind == "asset":
                self._write(output.path, (STATIC / output.url).read_bytes())
        return len(chunk)


_STATE: dict[str, Any] = {}


def _run_chunk(chunk: list[Output]) -> int:
    worker = _STATE.get("worker")
    if worker is None:
        worker = _STATE["worker"] = _Worker(*_STATE["args"])
    return worker.run(chunk)


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
    _STATE.clear()
    _STATE["args"] = (app, dest, conf)
    try:
        if jobs == 1 or (len(outputs) < SERIAL_BELOW and not explicit):
            for chunk in work:
                bar.update(_run_chunk(chunk))
        else:
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs) as pool:
                for done in pool.imap_unordered(_run_chunk, work):
                    bar.update(done)
    finally:
        bar.close()
        _STATE.clear()
