"""Bytes and text of content files: every failure to read or decode becomes a Problem.

A file that cannot be opened (permissions, a symlink loop, a disk error), a UTF-16 file, a
file with NUL bytes or with bytes that are not UTF-8 is reported with its file and, where it
can be known, its line; nothing here raises. A UTF-8 byte-order mark is accepted everywhere.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from generator.content.problems import Problem

#: Byte-order marks of encodings we do not read, and their names.
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SAVE_AS = "请用文本编辑器另存为 UTF-8 编码"
#: At most this many line numbers are listed in one message.
LINES_LISTED = 10

_OS_MESSAGES = {
    errno.EACCES: "没有读取权限，请检查文件的权限和属主",
    errno.EPERM: "没有读取权限，请检查文件的权限和属主",
    errno.ELOOP: "符号链接循环（链接最终指向自己），无法读取",
    errno.ENOENT: "文件不存在（可能是指向不存在文件的符号链接）",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.EIO: "读取时发生输入输出错误（磁盘或网络盘故障）",
}


def os_problem(error: OSError, rel: str, what: str = "无法读取") -> Problem:
    """An OSError met while reading ``rel`` as a Problem in plain Chinese."""
    reason = _OS_MESSAGES.get(error.errno or 0, what)
    detail = f"（{error.strerror}）" if error.strerror else f"（{error}）"
    return Problem(rel, "", "", f"{reason}{detail}")


NOT_A_FILE = "不是普通文件（管道、设备等），不会被读取"


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of ``path``, or None with the reason it cannot be read.

    Opened without blocking and checked after opening: a pipe or device put in a file's
    place after the folder was scanned is reported instead of hanging the build."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return None, [os_problem(error, rel)]
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            kind = "这是文件夹，不是文件" if stat.S_ISDIR(os.fstat(fd).st_mode) else NOT_A_FILE
            return None, [Problem(rel, "", "", kind)]
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(), []
    except OSError as error:
        return None, [os_problem(error, rel)]
    finally:
        os.close(fd)


def encoding_problem(raw: bytes, rel: str) -> Problem | None:
    """A whole-file encoding problem (UTF-16 or UTF-32, NUL bytes), or None."""
    for bom, name in _OTHER_BOMS:
        if raw.startswith(bom):
            return Problem(rel, "", "", f"文件是 {name} 编码，不能读取；{_SAVE_AS}")
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        message = f"文件中有空字节（\\0），可能是 UTF-16 编码或不是文本文件；{_SAVE_AS}"
        return Problem(rel, "", "", message, line)
    return None


def _bad_byte(error: UnicodeDecodeError) -> str:
    return f"0x{error.object[error.start]:02X}"


def _guess(raw: bytes) -> str:
    """A hint at the encoding the file was saved in."""
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "，看起来是 GBK/GB18030 编码"


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """The text of a whole file (UTF-8, with or without a byte-order mark), or None with
    its problem: every line with bytes that are not UTF-8 is counted, the first is named."""
    problem = encoding_problem(raw, rel)
    if problem is not None:
        return None, [problem]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        first = raw.count(b"\n", 0, error.start) + 1
        bad = [n for n, line in enumerate(raw.split(b"\n"), 1) if not _is_utf8(line)]
        listed = "、".join(map(str, bad[:LINES_LISTED])) + ("…" if len(bad) > LINES_LISTED else "")
        more = f"（共 {len(bad)} 行：第 {listed} 行）" if len(bad) > 1 else ""
        message = (
            f"文件不是 UTF-8 编码{_guess(raw)}：第 {first} 行有字节 {_bad_byte(error)} "
            f"不是 UTF-8{more}；{_SAVE_AS}"
        )
        return None, [Problem(rel, "", "", message, first)]


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_line(raw: bytes, rel: str, number: int) -> tuple[str | None, list[Problem]]:
    """One line of a JSON Lines file as text, or None with the problem of that line alone."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        message = (
            f"本行第 {error.start + 1} 个字节 {_bad_byte(error)} 不是 UTF-8{_guess(raw)}；"
            f"{_SAVE_AS}（其余各行照常读取）"
        )
        return None, [Problem(rel, f"第{number}行", "", message, number)]
    if text.startswith("\ufeff"):  # line 1, or the first line of an export appended to another
        text = text[1:]
    return text, []


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """The text of a UTF-8 file, or None with why it cannot be read."""
    raw, problems = read_bytes(path, rel)
    if raw is None:
        return None, problems
    return decode(raw, rel)
