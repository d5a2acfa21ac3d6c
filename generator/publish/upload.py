"""Publish the built site: upload to S3 or an S3-compatible store (Netlify's rules: netlify.py).

Only changed objects are uploaded. What the bucket holds is known from a manifest object
(sha256 of the content and of the headers, per key, with the ETag seen when it was written)
checked against one listing of the bucket; an object the manifest does not vouch for is
checked with a HEAD request against its ``x-amz-meta-sha256`` metadata. ETags are never
taken for content hashes (multipart ETags are not MD5s). See docs/publishing.md.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import click

from generator.publish.transfer import PublishInterrupted as PublishInterrupted
from generator.publish.transfer import UploadMismatch as UploadMismatch
from generator.publish.transfer import put_all, verify

#: Cache-Control for everything that may change under the same name (HTML, data, feeds).
REVALIDATE = "public, max-age=0, must-revalidate"
#: Cache-Control for fingerprinted assets (/static/<name>.<hash>.<ext>): never change.
IMMUTABLE = "public, max-age=31536000, immutable"
_FINGERPRINTED = re.compile(r"^static/[^/]+\.[0-9a-f]{8,}\.[A-Za-z0-9]+$")

#: Our own table first: mimetypes depends on the machine and misses several of these.
CONTENT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
    ".zip": "application/zip",
}
_TEXT_TYPES = {
    "application/json",
    "application/jsonl",
    "application/xml",
    "text/javascript",
    "application/atom+xml",
    "image/svg+xml",
    "application/manifest+json",
}
#: Files that only mean something to Netlify; not uploaded to a bucket.
NETLIFY_ONLY = {"_redirects", "_headers"}
MANIFEST = "_yimatong-manifest.json"


def content_type(name: str) -> str:
    """Content-Type for a file name, with ``; charset=utf-8`` for text."""
    suffix = Path(name).suffix.lower()
    kind = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


def cache_control(relative: str) -> str:
    """Cache-Control for a site-relative path, as netlify.toml sets it."""
    return IMMUTABLE if _FINGERPRINTED.match(relative) else REVALIDATE


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file of the built site and the object it becomes."""

    key: str
    path: Path
    size: int
    sha256: str
    content_type: str
    cache_control: str
    md5: str = ""

    def open(self) -> BinaryIO:
        """The file's content, for the PUT."""
        return self.path.open("rb")

    @property
    def headers(self) -> str:
        """Fingerprint of the headers, so a header-only change re-uploads."""
        return hashlib.sha256(f"{self.content_type}|{self.cache_control}".encode()).hexdigest()[:16]


@dataclass
class Summary:
    """What a publish did (or, in a dry run, would do)."""

    uploaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    bytes: int = 0

    def text(self, dry_run: bool) -> str:
        """One line for the terminal, in Chinese."""
        verb = "将" if dry_run else "已"
        line = (
            f"{verb}上传 {len(self.uploaded)} 个文件（{self.bytes} 字节），"
            f"未变 {self.unchanged} 个，{verb}删除 {len(self.deleted)} 个"
        )
        if self.extra:
            line += f"；存储桶中另有 {len(self.extra)} 个本地没有的文件（加 --delete 删除）"
        return line + "。"


#: Uploads at once by default: enough to hide the round trips, few enough for any store.
DEFAULT_JOBS = 16


def _digests(path: Path) -> tuple[str, str]:
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
            md5.update(block)
    return sha.hexdigest(), md5.hexdigest()


def normalise_prefix(prefix: str) -> str:
    """'site', '/site/' -> 'site/'; '' stays ''."""
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


def scan(site_dir: Path, prefix: str = "") -> list[LocalFile]:
    """Every file of the built site, in key order."""
    files = []
    for path in sorted(p for p in Path(site_dir).rglob("*") if p.is_file()):
        relative = path.relative_to(site_dir).as_posix()
        if relative in NETLIFY_ONLY:
            continue
        sha256, md5 = _digests(path)
        key = prefix + relative
        size = path.stat().st_size
        kind, cache = content_type(relative), cache_control(relative)
        files.append(LocalFile(key, path, size, sha256, kind, cache, md5))
    return files


def make_client(
    endpoint_url: str | None = None,
    region: str | None = None,
    addressing_style: str = "auto",
    jobs: int = DEFAULT_JOBS,
) -> Any:
    """A boto3 S3 client (shared by ``jobs`` threads); credentials from boto3's usual sources."""
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {
        "retries": {"max_attempts": 8, "mode": "standard"},
        "max_pool_connections": max(10, jobs),
        "s3": {"addressing_style": addressing_style},
    }
    if endpoint_url:
        # boto3 >= 1.36 sends CRC checksums by default; several S3-compatible stores reject them.
        options.update(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
    return boto3.client(
        "s3", endpoint_url=endpoint_url, region_name=region, config=Config(**options)
    )


def _listing(client: Any, bucket: str, prefix: str) -> dict[str, tuple[str, int]]:
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = (obj["ETag"], obj["Size"])
    return found


def _read_manifest(client: Any, bucket: str, key: str, listing: dict) -> dict[str, dict]:
    if key not in listing:
        return {}
    body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return json.loads(body).get("objects", {})


def _remote_state(
    client: Any, bucket: str, key: str, listed: tuple[str, int], manifest: dict[str, dict]
) -> tuple[str, str]:
    """(content sha256, headers fingerprint) of an object in the bucket."""
    known = manifest.get(key)
    if known and (known["etag"], known["size"]) == tuple(listed):
        return known["sha256"], known["headers"]
    meta = client.head_object(Bucket=bucket, Key=key).get("Metadata", {})
    return meta.get("sha256", ""), meta.get("headers", "")


def _manifest_entry(f: LocalFile, etag: str) -> dict[str, Any]:
    return {"sha256": f.sha256, "headers": f.headers, "etag": etag, "size": f.size}


def _plan(
    client: Any, bucket: str, files: list[LocalFile], listing: dict, old: dict
) -> tuple[list[LocalFile], dict[str, dict]]:
    """(files to upload, manifest entries of the files already in the bucket as they are)."""
    changed, kept = [], {}
    for f in files:
        listed = listing.get(f.key)
        if listed and _remote_state(client, bucket, f.key, listed, old) == (f.sha256, f.headers):
            kept[f.key] = _manifest_entry(f, listed[0])
        else:
            changed.append(f)
    return changed, kept


def _send(
    client: Any, bucket: str, changed: list[LocalFile], jobs: int, stop_after: int | None
) -> dict[str, dict]:
    """Upload in parallel and verify; on an interruption, raise with what was done attached."""
    from tqdm import tqdm

    done: dict[str, dict] = {}

    def record(f: Any, etag: str) -> None:
        done[f.key] = _manifest_entry(f, etag)
        bar.update()

    with tqdm(total=len(changed), desc="上传", unit="个", disable=None) as bar:
        try:
            put_all(client, bucket, changed, jobs, record, stop_after)
        except BaseException as error:
            raise _Partial(done) from error
    return done


class _Partial(Exception):
    """Carries the uploads that finished before an interruption."""

    def __init__(self, done: dict[str, dict]) -> None:
        super().__init__("partial")
        self.done = done


def publish(
    client: Any,
    bucket: str,
    site_dir: Path,
    prefix: str = "",
    delete: bool = False,
    dry_run: bool = False,
    stop_after: int | None = None,
    jobs: int = DEFAULT_JOBS,
) -> Summary:
    """Upload what changed in ``site_dir`` to ``bucket``; ``stop_after`` is a test hook."""
    prefix = normalise_prefix(prefix)
    manifest_key = prefix + MANIFEST
    files = scan(site_dir, prefix)
    listing = _listing(client, bucket, prefix)
    old = _read_manifest(client, bucket, manifest_key, listing)
    changed, new = _plan(client, bucket, files, listing, old)
    local_keys = {f.key for f in files} | {manifest_key}
    summary = Summary(
        uploaded=[f.key for f in changed],
        unchanged=len(new),
        extra=sorted(k for k in listing if k not in local_keys),
        bytes=sum(f.size for f in changed),
    )
    if dry_run:
        summary.deleted = summary.extra if delete else []
        return summary
    try:
        done = _send(client, bucket, changed, jobs, stop_after)
    except _Partial as partial:
        # Record what was uploaded so the next run need not ask about it, then stop.
        _write_manifest(client, bucket, manifest_key, old, {**old, **new, **partial.done})
        raise partial.__cause__ from None  # type: ignore[misc]
    new.update(done)
    # One listing after the uploads: every uploaded key holds what was sent (else no manifest).
    verify(_listing(client, bucket, prefix), {k: (e["etag"], e["size"]) for k, e in done.items()})
    if delete:
        _delete(client, bucket, summary.extra)
        summary.deleted, summary.extra = summary.extra, []
    _write_manifest(client, bucket, manifest_key, old, new)
    return summary


def _delete(client: Any, bucket: str, keys: list[str]) -> None:
    for start in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[start : start + 1000]]
        client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


def _write_manifest(client: Any, bucket: str, key: str, old: dict, new: dict) -> None:
    if old == new:
        return
    body = json.dumps({"version": 1, "objects": new}, sort_keys=True).encode()
    client.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        CacheControl="no-store",
        ContentType="application/json; charset=utf-8",
    )


@click.command("publish")
@click.option("--bucket", required=True, help="存储桶名称。")
@click.option("--prefix", default="", help="对象键前缀（文件夹），默认为桶的根。")
@click.option(
    "--endpoint-url",
    default=None,
    help="S3 兼容存储的地址（阿里云 OSS、腾讯云 COS、华为云 OBS、MinIO）；AWS 不填。",
)
@click.option("--region", default=None, help="区域，如 cn-north-1；默认取 boto3 配置。")
@click.option(
    "--addressing-style",
    type=click.Choice(["auto", "path", "virtual"]),
    default="auto",
    show_default=True,
    help="桶地址风格；MinIO 常用 path。",
)
@click.option("--delete", is_flag=True, help="删除存储桶中本地已没有的文件。")
@click.option("--dry-run", is_flag=True, help="只列出将要做的事，不做任何修改。")
@click.option(
    "--jobs",
    type=click.IntRange(1, 128),
    default=DEFAULT_JOBS,
    show_default=True,
    help="同时上传的文件数。",
)
@click.option(
    "--site",
    "site_dir",
    default=None,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="已生成的网站文件夹，默认为设置 out_dir（build/site）。",
)
def publish_command(
    bucket: str,
    prefix: str,
    endpoint_url: str | None,
    region: str | None,
    addressing_style: str,
    delete: bool,
    dry_run: bool,
    jobs: int,
    site_dir: Path | None,
) -> None:
    """Upload the built site to S3 or an S3-compatible store: only what changed.

    Credentials come from boto3's usual sources (environment, ~/.aws, instance role),
    never from the command line. Run it again after an interruption to finish the job.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from generator import settings as settings_module

    site_dir = site_dir or Path(settings_module.get("out_dir"))
    if not site_dir.is_dir():
        raise click.ClickException(f"找不到网站文件夹 {site_dir}，请先运行 yimatong build。")
    client = make_client(endpoint_url, region, addressing_style, jobs)
    try:
        summary = publish(client, bucket, site_dir, prefix, delete, dry_run, jobs=jobs)
    except (BotoCoreError, ClientError) as error:
        raise click.ClickException(f"上传到存储桶 {bucket} 失败：{error}") from error
    except UploadMismatch as error:
        raise click.ClickException(str(error)) from error
    if dry_run:
        for key in summary.uploaded:
            click.echo(f"上传 {key}")
        for key in summary.deleted:
            click.echo(f"删除 {key}")
    click.echo(("（演练，未做任何修改）" if dry_run else "") + summary.text(dry_run))
