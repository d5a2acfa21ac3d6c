"""Which files of ``content/`` are read, and a Problem for every entry that would not be.

A file the readers would pass over (``units/a.YAML``, ``units/a.yaml.txt``, a sub-folder, a
symlink loop, ``content/site.yml``) is content that silently never publishes: each is
reported with what is expected instead. Only the files of ``IGNORED`` are passed over without
a word: hidden files (``.DS_Store``, ``.gitkeep``, editor swap files), editor backups
(``name~``, ``#name#``) and Windows' ``Thumbs.db`` and ``desktop.ini``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.problems import Problem
from generator.content.readers.files import UNIT_READERS
from generator.content.readers.source import os_problem

#: The unit file extensions: those with a reader (``files.UNIT_READERS``).
UNIT_SUFFIXES = tuple(UNIT_READERS)
PAGE_SUFFIXES = (".md",)
#: Files at the top of ``content/``, read when present.
TOP_FILES = ("site.yaml", "bodies.yaml")
TOP_FOLDERS = ("units", "pages")
_WINDOWS = frozenset({"thumbs.db", "desktop.ini"})


def ignored(name: str) -> bool:
    """Hidden files, editor backups and Windows folder files: never content, never reported."""
    return (
        name.startswith(".")
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
        or name.lower() in _WINDOWS
    )


@dataclass
class ContentFiles:
    """The files the readers read, and the problems of the entries they would not."""

    units: list[Path] = field(default_factory=list)
    pages: list[Path] = field(default_factory=list)
    top: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _kind(path: Path, rel: str) -> tuple[str, Problem | None]:
    """The kind of ``path`` (following symlinks): file, folder or other; or "" and why not."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return "", os_problem(error, rel, "无法读取文件信息")
    if stat.S_ISREG(mode):
        return "file", None
    return ("folder" if stat.S_ISDIR(mode) else "other"), None


def _entries(folder: Path, prefix: str) -> tuple[list[str], list[Problem]]:
    """The names in ``folder`` that are not ``ignored``; a name that is not UTF-8 (from an
    archive made on a GBK system) is reported instead: it could not even be printed."""
    try:
        names = sorted(n for n in os.listdir(folder) if not ignored(n))
    except OSError as error:
        return [], [os_problem(error, prefix.rstrip("/") or folder.name, "无法列出文件夹内容")]
    good, problems = [], []
    for name in names:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            message = "文件名不是 UTF-8 编码（可能来自 GBK 系统的压缩包），不会被读取；请重新命名"
            problems.append(Problem(prefix + shown, "", "", message))
        else:
            good.append(name)
    return good, problems


def _expected(suffixes: tuple[str, ...]) -> str:
    return "、".join(suffixes)


def _wrong_name(name: str, suffixes: tuple[str, ...], folder: str) -> str:
    """Why ``name`` is not read from ``folder``, and how to name it instead."""
    lower = name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix):
            fixed = name[: -len(suffix)] + suffix
            return f"扩展名应为小写 {suffix}，否则不会被读取；请改名为 {fixed}"
        if suffix in lower:
            fixed = name[: lower.index(suffix)] + suffix
            return f"文件名不以 {suffix} 结尾（系统可能隐藏了扩展名），不会被读取；请改名为 {fixed}"
    shown = Path(name).suffix or "（无扩展名）"
    return f"{folder}/ 中只读取 {_expected(suffixes)} 文件，本文件扩展名为 {shown}，不会被读取"


def _folder(content: Path, name: str, suffixes: tuple[str, ...], found: ContentFiles) -> list[Path]:
    """The files of ``content/name`` with one of ``suffixes``; every other entry reported."""
    files: list[Path] = []
    names, problems = _entries(content / name, f"{name}/")
    found.problems += problems
    for entry in names:
        path, rel = content / name / entry, f"{name}/{entry}"
        kind, problem = _kind(path, rel)
        if problem is not None:
            found.problems.append(problem)
        elif kind == "folder":
            message = f"{name}/ 中的子文件夹不会被读取；请把文件直接放在 {name}/ 中"
            found.problems.append(Problem(rel, "", "", message))
        elif kind == "other" or not entry.endswith(suffixes):
            message = "不是普通文件（管道、设备等），不会被读取" if kind == "other" else ""
            message = message or _wrong_name(entry, suffixes, name)
            found.problems.append(Problem(rel, "", "", message))
        else:
            files.append(path)
    return files


def _top(content: Path, found: ContentFiles) -> set[str]:
    """Check the top of ``content/``; the names of the folders that are there."""
    folders: set[str] = set()
    names, problems = _entries(content, "")
    found.problems += problems
    known = "、".join([*TOP_FILES, *(f"{n}/" for n in TOP_FOLDERS)])
    for name in names:
        kind, problem = _kind(content / name, name)
        if problem is not None:
            found.problems.append(problem)
        elif name in TOP_FILES and kind == "file":
            found.top[name] = content / name
        elif name in TOP_FOLDERS and kind == "folder":
            folders.add(name)
        elif name in TOP_FOLDERS:
            found.problems.append(Problem(name, "", "", f"{name} 应为文件夹"))
        else:
            message = f"内容文件夹中不认识的{'文件夹' if kind == 'folder' else '文件'}，不会被读取"
            found.problems.append(Problem(name, "", "", f"{message}；此处只放 {known}"))
    return folders


def scan(content: Path) -> ContentFiles:
    """The unit files, pages and top files of ``content``, sorted, with the entries not read."""
    found = ContentFiles()
    folders = _top(content, found)
    if "units" in folders:
        before = len(found.problems)
        found.units = _folder(content, "units", UNIT_SUFFIXES, found)
        if not found.units and len(found.problems) == before:
            message = (
                f"units/ 中没有排污单位文件（{_expected(UNIT_SUFFIXES)}）：网站不能没有排污单位"
            )
            found.problems.append(Problem("units", "", "", message))
    elif not any(p.file == "units" for p in found.problems):
        message = f"缺少 units 文件夹：排污单位文件（{_expected(UNIT_SUFFIXES)}）应放在 units/ 中"
        found.problems.append(Problem("units", "", "", message))
    if "pages" in folders:
        found.pages = _folder(content, "pages", PAGE_SUFFIXES, found)
    return found
