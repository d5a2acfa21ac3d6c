"""The directory file as the service last read it, read again when a build replaced it.

Each request asks ``LiveDirectory.current`` (see feedback/app.py); at most every
``DIRECTORY_CHECK_SECONDS`` it compares the file's identity (inode, size, mtime) with the one
it read, and reads the new file when it changed. One request reads while the others go on
with the directory they have; a file that cannot be read is logged and the old directory
kept, so a broken build never takes the service down. See docs/feedback.md.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from feedback.directory import Directory
from generator import settings
from generator.directory.records import DirectoryFileError, path_beside, read

Stamp = tuple[int, int, int]


def file_stamp(path: Path) -> Stamp | None:
    """What changes when the file is replaced (inode, size, mtime), or None if it is absent."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class LiveDirectory:
    """The directory of the file at ``path``, kept current without a restart."""

    def __init__(
        self,
        path: Path,
        every: float,
        logger: logging.Logger,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path, self.every, self.logger, self.clock = Path(path), every, logger, clock
        self.directory = Directory()
        self.stamp: Stamp | None = None
        self.checked = float("-inf")
        self._lock = threading.Lock()

    def load(self) -> Directory:
        """Read the file at start: an empty directory (and a warning) when there is none yet;
        DirectoryFileError when it is there but unreadable."""
        self.checked = self.clock()
        stamp = file_stamp(self.path)
        if stamp is None:
            self.logger.warning(
                "目录文件 %s 尚不存在：请运行 yimatong build；生成后服务自动读取。", self.path
            )
            return self.directory
        self.directory, self.stamp = Directory.from_data(read(self.path)), stamp
        return self.directory

    def current(self) -> Directory:
        """The directory, read again first when the file changed since the last check."""
        now = self.clock()
        if now - self.checked < self.every or not self._lock.acquire(blocking=False):
            return self.directory
        try:
            self.checked = now
            stamp = file_stamp(self.path)
            if stamp is not None and stamp != self.stamp:
                self._reload(stamp)
        finally:
            self._lock.release()
        return self.directory

    def _reload(self, stamp: Stamp) -> None:
        try:
            directory = Directory.from_data(read(self.path))
        except DirectoryFileError as error:
            self.stamp = stamp  # logged once per file, not on every check
            self.logger.error(
                "%s\n仍使用上次读取的目录（%d 个排污单位）。", error, len(self.directory.units)
            )
            return
        self.directory, self.stamp = directory, stamp
        self.logger.info("已读取新的目录文件 %s（%d 个排污单位）", self.path, len(directory.units))


def directory_path(config: Mapping[str, Any]) -> Path:
    """The directory file the service reads: DIRECTORY_FILE, else beside the search index."""
    if config.get("DIRECTORY_FILE"):
        return Path(config["DIRECTORY_FILE"])
    return path_beside(config.get("SEARCH_INDEX_DIR") or settings.get("search_index_dir"))
