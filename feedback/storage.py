"""One interface for stored files: a local folder by default, or S3 / an S3-compatible store."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class Storage(Protocol):
    """Put and get bytes by key."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``."""

    def get(self, key: str) -> bytes:
        """Bytes stored under ``key``; KeyError if missing."""


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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, key: str) -> bytes:
        """Read the file."""
        path = self._path(key)
        if not path.is_file():
            raise KeyError(key)
        return path.read_bytes()


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
        extra = {}
        if endpoint:
            extra = {
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
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        """Download the object."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except self.client.exceptions.NoSuchKey as exc:
            raise KeyError(key) from exc


def make_storage(config: dict[str, Any], instance_path: str) -> Storage:
    """The storage the settings ask for."""
    if config.get("STORAGE") == "s3":
        return S3Storage.from_config(config)
    return LocalStorage(config.get("STORAGE_DIR") or Path(instance_path) / "uploads")
