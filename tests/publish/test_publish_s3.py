"""yimatong publish against moto's S3 server over HTTP on loopback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.publish.upload import (
    IMMUTABLE,
    MANIFEST,
    REVALIDATE,
    PublishInterrupted,
    UploadMismatch,
    make_client,
    publish,
    publish_command,
)

BUCKET = "yimatong-site"


@pytest.fixture
def s3(endpoint, monkeypatch, request):
    """A client and a fresh bucket; credentials only from the environment, as boto3 reads them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    client = make_client(endpoint, "us-east-1", "path")
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name[5:].lower())
    bucket = f"{BUCKET}-{name}"[:55].strip("-")
    client.create_bucket(Bucket=bucket)
    return client, bucket


@pytest.fixture
def built(tmp_path) -> Path:
    """A small built site: HTML, a fingerprinted stylesheet, data, a feed, Netlify rules."""
    site = tmp_path / "site"
    files = {
        "index.html": "<!doctype html><title>首页</title>",
        "404.html": "<!doctype html><title>找不到</title>",
        "e/7X/91130200699229617X001P/index.html": "<!doctype html><title>单位</title>",
        "static/site.1a2b3c4d5e.css": "body{color:#222}",
        "data/units.csv": "\ufeffcode\r\n1\r\n",
        "data/units.jsonl": '{"code":1}\n',
        "feeds/penalties.atom": "<?xml version='1.0'?><feed/>",
        "qr/x.png": "\x89PNG",
        "site.webmanifest": "{}",
        "_redirects": "/report/*  https://f.example/report/:splat  200!\n",
    }
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def _objects(client, bucket) -> dict[str, dict]:
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: client.head_object(Bucket=bucket, Key=k) for k in keys}


def test_first_publish_uploads_all_then_nothing(s3, built):
    client, bucket = s3
    first = publish(client, bucket, built)
    assert len(first.uploaded) == 9 and first.unchanged == 0 and first.bytes > 0
    objects = _objects(client, bucket)
    assert "_redirects" not in objects and MANIFEST in objects
    second = publish(client, bucket, built)
    assert second.uploaded == [] and second.unchanged == 9 and second.deleted == []


def test_content_types_and_cache_control(s3, built):
    client, bucket = s3
    publish(client, bucket, built)
    objects = _objects(client, bucket)
    expected = {
        "index.html": "text/html; charset=utf-8",
        "static/site.1a2b3c4d5e.css": "text/css; charset=utf-8",
        "data/units.csv": "text/csv; charset=utf-8",
        "data/units.jsonl": "application/jsonl; charset=utf-8",
        "feeds/penalties.atom": "application/atom+xml; charset=utf-8",
        "site.webmanifest": "application/manifest+json; charset=utf-8",
        "qr/x.png": "image/png",
    }
    for key, kind in expected.items():
        assert objects[key]["ContentType"] == kind, key
    assert objects["static/site.1a2b3c4d5e.css"]["CacheControl"] == IMMUTABLE
    assert objects["index.html"]["CacheControl"] == REVALIDATE
    assert objects["data/units.csv"]["CacheControl"] == REVALIDATE
    assert len(objects["index.html"]["Metadata"]["sha256"]) == 64


def test_changed_file_and_header_only_change_reupload(s3, built, monkeypatch):
    client, bucket = s3
    publish(client, bucket, built)
    (built / "index.html").write_text("<!doctype html><title>新首页</title>", encoding="utf-8")
    assert publish(client, bucket, built).uploaded == ["index.html"]
    import generator.publish.upload as pub

    monkeypatch.setitem(pub.CONTENT_TYPES, ".webmanifest", "application/json")
    assert publish(client, bucket, built).uploaded == ["site.webmanifest"]
    head = client.head_object(Bucket=bucket, Key="site.webmanifest")
    assert head["ContentType"] == "application/json; charset=utf-8"


def test_delete_only_with_flag_and_prefix(s3, built):
    client, bucket = s3
    publish(client, bucket, built, prefix="/gx/")
    (built / "qr" / "x.png").unlink()
    kept = publish(client, bucket, built, prefix="gx")
    assert kept.extra == ["gx/qr/x.png"] and kept.deleted == []
    assert "gx/qr/x.png" in _objects(client, bucket)
    gone = publish(client, bucket, built, prefix="gx", delete=True)
    assert gone.deleted == ["gx/qr/x.png"]
    assert "gx/qr/x.png" not in _objects(client, bucket)
    assert all(k.startswith("gx/") for k in _objects(client, bucket))


def test_dry_run_changes_nothing(s3, built):
    client, bucket = s3
    plan = publish(client, bucket, built, dry_run=True)
    assert len(plan.uploaded) == 9 and _objects(client, bucket) == {}
    publish(client, bucket, built)
    (built / "index.html").write_text("changed", encoding="utf-8")
    (built / "qr" / "x.png").unlink()
    before = {k: v["ETag"] for k, v in _objects(client, bucket).items()}
    plan = publish(client, bucket, built, delete=True, dry_run=True)
    assert plan.uploaded == ["index.html"] and plan.deleted == ["qr/x.png"]
    assert {k: v["ETag"] for k, v in _objects(client, bucket).items()} == before


def _state(client, bucket) -> dict[str, tuple]:
    """Everything a reader or the next publish sees: keys, content, headers, metadata."""
    state = {}
    for key, head in _objects(client, bucket).items():
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        meta = (head["ContentType"], head.get("CacheControl"), head.get("Metadata"))
        state[key] = (body, *meta)
    return state


def test_interrupted_publish_finishes_on_rerun(s3, built):
    client, bucket = s3
    with pytest.raises(PublishInterrupted):
        publish(client, bucket, built, stop_after=4, jobs=3)
    # the four finished uploads and a manifest recording them, nothing half-written
    assert len(_objects(client, bucket)) == 5 and MANIFEST in _objects(client, bucket)
    rerun = publish(client, bucket, built)
    assert len(rerun.uploaded) == 5 and rerun.unchanged == 4
    assert publish(client, bucket, built).uploaded == []


@pytest.mark.parametrize("stop_after", [0, 1, 5, 8])
def test_resumed_publish_equals_uninterrupted(s3, built, stop_after):
    client, bucket = s3
    client.create_bucket(Bucket=bucket + "-ref")
    publish(client, bucket + "-ref", built, jobs=1)
    with pytest.raises(PublishInterrupted):
        publish(client, bucket, built, stop_after=stop_after, jobs=4)
    rerun = publish(client, bucket, built, jobs=4)
    assert len(rerun.uploaded) == 9 - stop_after and rerun.unchanged == stop_after
    assert _state(client, bucket) == _state(client, bucket + "-ref")


def test_resume_after_a_change_during_the_interruption(s3, built):
    client, bucket = s3
    publish(client, bucket, built)
    for name in ("index.html", "404.html", "data/units.csv"):
        (built / name).write_text(f"v2 {name}", encoding="utf-8")
    with pytest.raises(PublishInterrupted):
        publish(client, bucket, built, stop_after=1)
    (built / "index.html").write_text("v3", encoding="utf-8")
    rerun = publish(client, bucket, built)
    assert "index.html" in rerun.uploaded and len(rerun.uploaded) in (2, 3)
    assert client.get_object(Bucket=bucket, Key="index.html")["Body"].read() == b"v3"
    assert publish(client, bucket, built).uploaded == []


def test_parallel_and_serial_publish_give_the_same_bucket(s3, built):
    client, bucket = s3
    client.create_bucket(Bucket=bucket + "-ref")
    for i in range(40):
        (built / "e" / f"u{i:02d}.html").write_text(f"<p>{i}</p>", encoding="utf-8")
    assert len(publish(client, bucket, built, jobs=8).uploaded) == 49
    publish(client, bucket + "-ref", built, jobs=1)
    assert _state(client, bucket) == _state(client, bucket + "-ref")


def test_file_changed_while_uploading_fails_naming_the_key(s3, built):
    client, bucket = s3
    target = built / "data" / "units.csv"

    def rewrite(params, **_):
        if params["Key"] == "data/units.csv":
            target.write_text("rebuilt meanwhile", encoding="utf-8")

    client.meta.events.register("provide-client-params.s3.PutObject", rewrite)
    with pytest.raises(UploadMismatch, match=r"data/units\.csv.*MD5"):
        publish(client, bucket, built, jobs=2)
    client.meta.events.unregister("provide-client-params.s3.PutObject", rewrite)
    rerun = publish(client, bucket, built)
    assert "data/units.csv" in rerun.uploaded
    assert client.get_object(Bucket=bucket, Key="data/units.csv")["Body"].read() == (
        b"rebuilt meanwhile"
    )


def test_object_overwritten_after_upload_fails_verification(s3, built, endpoint):
    client, bucket = s3
    other = make_client(endpoint, "us-east-1", "path")

    sending = []

    def note(params, **_):
        sending.append(params["Key"])

    def overwrite(**_):
        if sending[-1] in ("index.html", "404.html"):
            other.put_object(Bucket=bucket, Key=sending[-1], Body=b"someone else")

    client.meta.events.register("provide-client-params.s3.PutObject", note)
    client.meta.events.register("after-call.s3.PutObject", overwrite)
    with pytest.raises(UploadMismatch) as failure:
        publish(client, bucket, built, jobs=1)
    message = str(failure.value)
    assert "2 个对象" in message and "index.html" in message and "404.html" in message
    assert MANIFEST not in _objects(client, bucket)
    client.meta.events.unregister("after-call.s3.PutObject", overwrite)
    assert sorted(publish(client, bucket, built).uploaded) == ["404.html", "index.html"]


def test_manifest_not_trusted_when_object_changed_behind_its_back(s3, built):
    client, bucket = s3
    publish(client, bucket, built)
    client.put_object(Bucket=bucket, Key="index.html", Body=b"tampered")
    assert publish(client, bucket, built).uploaded == ["index.html"]


def test_command_line(s3, built, endpoint):
    client, bucket = s3
    args = [
        "--bucket",
        bucket,
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
        "--addressing-style",
        "path",
        "--site",
        str(built),
        "--jobs",
        "4",
    ]
    result = CliRunner().invoke(publish_command, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "演练" in result.output and "上传 index.html" in result.output
    assert _objects(client, bucket) == {}
    result = CliRunner().invoke(publish_command, args)
    assert result.exit_code == 0, result.output
    assert "已上传 9 个文件" in result.output
    result = CliRunner().invoke(publish_command, args)
    assert "已上传 0 个文件" in result.output and "未变 9 个" in result.output
    missing = CliRunner().invoke(publish_command, [*args[2:], "--bucket", "no-such-bucket"])
    assert missing.exit_code != 0 and "失败" in missing.output
