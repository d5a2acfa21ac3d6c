"""Parallel, verified uploads of a publish (the planning is in upload.py).

A bounded pool of threads shares one boto3 client (clients are thread-safe). Each file is a
single PUT; the ETag the store answers is checked against the file's MD5 when it has the
form of one, and once every upload has finished one listing confirms that each uploaded
key holds that ETag and the file's size. An interruption (an error, Ctrl-C, the test hook
``stop_after``) lets the uploads under way finish, so the caller can record them.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

#: An ETag that is a plain MD5 (single-part PUT on S3, MinIO, moto); others are not compared.
_MD5_ETAG = re.compile(r'^"?([0-9a-f]{32})"?$')


class Uploadable(Protocol):
    """What a file of the built site must offer to be uploaded."""

    @property
    def key(self) -> str: ...  # noqa: D102

    @property
    def size(self) -> int: ...  # noqa: D102

    @property
    def md5(self) -> str: ...  # noqa: D102

    @property
    def sha256(self) -> str: ...  # noqa: D102

    @property
    def content_type(self) -> str: ...  # noqa: D102

    @property
    def cache_control(self) -> str: ...  # noqa: D102

    @property
    def headers(self) -> str: ...  # noqa: D102

    def open(self) -> Any: ...  # noqa: D102


class UploadMismatch(RuntimeError):
    """What the store holds is not what was uploaded (message names every key)."""


class PublishInterrupted(RuntimeError):
    """Raised by the test hook ``stop_after`` to simulate a publish cut short."""


def _plain_md5(etag: str) -> str | None:
    found = _MD5_ETAG.match(etag.lower())
    return found.group(1) if found else None


def put_one(client: Any, bucket: str, f: Uploadable) -> str:
    """Upload one file in a single PUT (atomic for readers) and check the ETag; return it."""
    with f.open() as body:
        response = client.put_object(
            Bucket=bucket,
            Key=f.key,
            Body=body,
            ContentType=f.content_type,
            CacheControl=f.cache_control,
            Metadata={"sha256": f.sha256, "headers": f.headers},
            ContentMD5=content_md5(f.md5),
        )
    etag: str = response["ETag"]
    md5 = _plain_md5(etag)
    if md5 is not None and md5 != f.md5:
        raise UploadMismatch(
            f"对象 {f.key} 上传后校验失败：存储返回的 ETag {md5} 与本地文件的 MD5 {f.md5} 不符"
            "（上传途中文件被改动或传输出错），请重新发布。"
        )
    return etag


class _Gate:
    """Counts uploads started; refuses the ones past ``stop_after`` (test hook)."""

    def __init__(self, stop_after: int | None) -> None:
        self.stop_after, self.started, self.lock = stop_after, 0, threading.Lock()

    def enter(self) -> None:
        with self.lock:
            if self.stop_after is not None and self.started >= self.stop_after:
                raise PublishInterrupted(f"测试：上传 {self.started} 个文件后中断")
            self.started += 1


def put_all(
    client: Any,
    bucket: str,
    files: Iterable[Uploadable],
    jobs: int,
    done: Callable[[Uploadable, str], None],
    stop_after: int | None = None,
) -> None:
    """Upload ``files`` with ``jobs`` threads, calling ``done(file, etag)`` in this thread.

    On the first failure nothing more is started, the uploads under way finish (and are
    reported through ``done``), then the failure is raised.
    """
    gate = _Gate(stop_after)

    def task(f: Uploadable) -> str:
        gate.enter()
        return put_one(client, bucket, f)

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="publish") as pool:
        futures: dict[Future[str], Uploadable] = {pool.submit(task, f): f for f in files}
        try:
            _collect(futures, done)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            for future, f in futures.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    done(f, future.result())
            raise


def _collect(
    futures: dict[Future[str], Uploadable], done: Callable[[Uploadable, str], None]
) -> None:
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
        for future in finished:
            error = future.exception()
            if error is not None:
                raise error
            done(futures.pop(future), future.result())


def verify(listing: dict[str, tuple[str, int]], uploaded: dict[str, tuple[str, int]]) -> None:
    """Check a fresh listing against (ETag, size) of each upload; report every mismatch."""
    problems = []
    for key, (etag, size) in sorted(uploaded.items()):
        found = listing.get(key)
        if found is None:
            problems.append(f"对象 {key}：上传后在存储桶中找不到")
        elif found[1] != size:
            problems.append(f"对象 {key}：存储桶中大小 {found[1]} 字节，本地文件 {size} 字节")
        elif found[0] != etag:
            problems.append(f"对象 {key}：存储桶中 ETag {found[0]}，上传时为 {etag}（已被改写）")
    if problems:
        raise UploadMismatch(
            f"上传后校验失败（{len(problems)} 个对象），请重新发布：\n" + "\n".join(problems)
        )


def content_md5(md5_hex: str) -> str:
    """Base64 of an MD5 given in hex (the Content-MD5 header form)."""
    return base64.b64encode(bytes.fromhex(md5_hex)).decode()
