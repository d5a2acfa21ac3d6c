"""One interface for stored files: a local folder by default, or S3 / an S3-compatible store."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol


class StorageError(RuntimeError):
    """The store cannot be reached or refused the request (the caller answers 503)."""


class Storage(Protocol):
    """Put, get and delete bytes by key; StorageError when the store is down."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``."""

    def get(self, key: str) -> bytes:
        """Bytes stored under ``key``; KeyError if missing."""

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""


class LocalStorage:
    """Files in a folder; keys are relative paths."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise KeyError(key)
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write the file, creating folders."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A whole new file replaces the old at once: parallel puts of one key never mix.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)
        except OSError as exc:
            raise StorageError(f"无法写入文件 {key}：{exc}") from exc

    def get(self, key: str) -> bytes:
        """Read the file."""
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        try:
            return path.read_bytes()
        except OSError as exc:
            raise StorageError(f"无法读取文件 {key}：{exc}") from exc

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"无法删除文件 {key}：{exc}") from exc


class S3Storage:
    """Objects in an S3 bucket through boto3 (AWS, MinIO, Aliyun OSS, Tencent COS)."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> S3Storage:
        """Client from the S3_* settings; custom endpoints get 'when_required' checksums."""
        import boto3
        from botocore.config import Config

        endpoint = config.get("S3_ENDPOINT_URL") or None
        timeout = config.get("S3_TIMEOUT") or 10
        extra: dict[str, Any] = {
            "connect_timeout": timeout,
            "read_timeout": timeout,
            "retries": {"mode": "standard", "max_attempts": 2},
        }
        if endpoint:
            extra |= {
                "request_checksum_calculation": "when_required",
                "response_checksum_validation": "when_required",
            }
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=config.get("S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
            config=Config(**extra),
        )
        return cls(config["S3_BUCKET"], client)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object."""
        with _down_is_storage_error(key):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        """Download the object."""
        with _down_is_storage_error(key):
            try:
                return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
            except self.client.exceptions.NoSuchKey as exc:
                raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        """Delete the object (S3 answers success for a missing key)."""
        with _down_is_storage_error(key):
            self.client.delete_object(Bucket=self.bucket, Key=key)


@contextmanager
def _down_is_storage_error(key: str) -> Iterator[None]:
    """Connection failures, timeouts and error answers of the store become StorageError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        if isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in (
            "NoSuchKey",
            "404",
        ):
            raise KeyError(key) from exc
        raise StorageError(f"对象存储不可用（{key}）：{exc}") from exc


def make_storage(config: dict[str, Any], instance_path: str) -> Storage:
    """The storage the settings ask for."""
    if config.get("STORAGE") == "s3":
        return S3Storage.from_config(config)
    return LocalStorage(config.get("STORAGE_DIR") or Path(instance_path) / "uploads")
