"""What keeps a bad build from replacing the last good site (see docs/build.md).

A build that would drop many units is refused before it writes anything; a build that
cannot write (a full disk) says so in words and names what became of the published site.

Every unit has printed QR codes on its gate and outlets; a build that loses units (a folder
renamed, files saved as ``.YAML``, a half-copied export) turns them into dead links. A build
that would drop more than ``max_unit_drop_percent`` of the units of the site last published
into the same folder stops before writing anything, unless told (``--allow-drop``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from generator import urls
from generator.build.cache import BuildState, state_file


class UnitDropError(Exception):
    """This build would drop more of the last good site's units than the setting allows."""


def published_codes(out: Path, state: BuildState | None) -> set[str]:
    """The unit codes of the site published in ``out``: none if there is none; from the kept
    build ``state``, else from the unit folders of the site itself (the cache may be gone)."""
    if not out.is_dir():
        return set()
    if state is not None:
        return set(state.units)
    root = out / urls.UNIT_PREFIX.strip("/")
    codes: set[str] = set()
    for shard in _folders(root):
        codes.update(_folders(root / shard))
    return codes


def _folders(folder: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir()]
    except OSError:
        return []


def check_drop(last: set[str], codes: set[str], percent: int | float) -> None:
    """Raise UnitDropError when more than ``percent`` % of ``last`` is missing from ``codes``."""
    if not last:
        return
    dropped = len(last - codes)
    share = 100 * dropped / len(last)
    if share <= percent:
        return
    shown = f"{share:.1f}".rstrip("0").rstrip(".")
    raise UnitDropError(
        f"上次发布的网站有 {len(last)} 个排污单位，本次构建有 {len(codes)} 个，"
        f"其中 {dropped} 个将不再发布（{shown}%，超过允许的 {percent}%）："
        "已印制的二维码会指向不存在的页面，因此没有发布，原网站保持不变。"
        "请检查 units/ 中的文件是否齐全；确需撤下这些单位时，用 --allow-drop 重新构建"
        "（或调整设置 max_unit_drop_percent）。"
    )


class WriteFailure(Exception):
    """Writing the site into ``folder`` failed (``error``) at ``stage``: "render" (nothing
    published yet), "publish" (the new site's files partly moved in) or "state" (published,
    the build state not kept)."""

    def __init__(self, error: OSError, stage: str, folder: str = "") -> None:
        super().__init__(str(error))
        self.error = error
        self.stage = stage
        self.folder = folder

    def message(self) -> str:
        """The failure in words (see ``failure_message``)."""
        return failure_message(self.error, self.stage, self.folder)


_AFTER = {
    "render": "没有发布，原网站保持不变",
    "publish": "新网站的文件只替换了一部分，请腾出空间后立即重新构建",
    "state": "新网站已发布，但构建记录没有保存，下次构建将全部重新生成",
}


def failure_message(error: OSError, stage: str = "render", folder: str = "") -> str:
    """A failure to write as a sentence: a full disk named as such, with the file (or the
    folder being written)."""
    target = error.filename or folder
    where = f"写入 {target} 时" if target else "写入时"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        what = f"磁盘已满：{where}没有剩余空间（{error.strerror}）"
    else:
        what = f"{where}出错（{error.strerror or error}）"
    return f"构建失败，{what}。{_AFTER.get(stage, _AFTER['render'])}。"


def forget_state(cache: Path, out: Path) -> None:
    """Remove the kept state of the build into ``out`` (its save failed after publishing), so
    that the next build is full instead of trusting the state of the build before."""
    try:
        state_file(cache, out).unlink(missing_ok=True)
    except OSError:
        pass
