"""``yimatong cycle`` run as the timer runs it: statistics from the service's database, the
build, publishing to a moto S3 server; a failed step named, the last good site kept; a lock."""

from __future__ import annotations

import fcntl
import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from generator.cycle import FAILED, LOCK_FILE, LOCKED, STATUS_FILE

from .machine import BIN, FIXTURE

BUCKET = "yimatong-cycle"


def cycle_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A machine's settings for the cycle: content, build folders, the service's database."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMATONG_", "AWS_"))}
    content = tmp / "content"
    if not content.exists():
        shutil.copytree(FIXTURE, content)
    env.update(
        YIMATONG_CONTENT_DIR=str(content),
        YIMATONG_OUT_DIR=str(tmp / "site"),
        YIMATONG_CACHE_DIR=str(tmp / "cache"),
        YIMATONG_SEARCH_INDEX_DIR=str(tmp / "search-index"),
        YIMATONG_BASE_URL="https://yimatong.example.cn",
        YIMATONG_FEEDBACK_URL="https://feedback.example.cn",
        YIMATONG_SECRET_KEY=secrets.token_hex(32),
        YIMATONG_INSTANCE_PATH=str(tmp / "instance"),
        YIMATONG_DATABASE_URL=f"sqlite:///{tmp / 'feedback.sqlite3'}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
    )
    env.update(extra)
    return env


def yimatong(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """``yimatong ARGS`` run from the test's folder (never the checkout), as the timer runs it."""
    cwd = Path(env["YIMATONG_CACHE_DIR"]).parent
    return subprocess.run(
        [str(BIN / "yimatong"), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def status(tmp: Path) -> dict:
    return json.loads((tmp / "cache" / STATUS_FILE).read_text(encoding="utf-8"))


def bucket_keys(endpoint: str) -> dict[str, str]:
    from generator.publish.upload import make_client

    client = make_client(endpoint, "us-east-1", "path")
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: o["ETag"] for o in listed}


def break_a_unit(content: Path) -> None:
    unit = next((content / "units").rglob("*.yaml"))
    unit.write_text(unit.read_text(encoding="utf-8") + "\n  : : [unclosed\n", encoding="utf-8")


def test_good_cycle_then_a_broken_build_keeps_the_last_good_site(tmp_path, endpoint, monkeypatch):
    from generator.publish.upload import make_client

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")

    make_client(endpoint, "us-east-1", "path").create_bucket(Bucket=BUCKET)
    env = cycle_env(
        tmp_path, YIMATONG_PUBLISH_BUCKET=BUCKET, YIMATONG_PUBLISH_ENDPOINT_URL=endpoint
    )
    assert yimatong(env, "feedback", "init-db").returncode == 0
    good = yimatong(env, "cycle")
    assert good.returncode == 0, good.stdout + good.stderr
    assert [s["name"] for s in status(tmp_path)["steps"]] == [
        "stats",
        "ledger",
        "draws",
        "build",
        "publish",
        "notify",
    ]
    assert status(tmp_path)["ok"] is True
    for name in ("ledger.json", "draws.json"):  # the service's exports, in place, read by the build
        assert (tmp_path / "cache" / name).is_file() and not (
            tmp_path / "cache" / f"{name}.new"
        ).exists()
    assert (tmp_path / "site" / "ledger" / "index.html").is_file()
    stats = json.loads((tmp_path / "cache" / "report-stats.json").read_text(encoding="utf-8"))
    assert "units" in stats
    home = (tmp_path / "site" / "index.html").read_bytes()
    published = bucket_keys(endpoint)
    assert "index.html" in published

    break_a_unit(tmp_path / "content")
    broken = yimatong(env, "cycle")
    assert broken.returncode == FAILED
    assert "步骤 build 退出码" in broken.stderr and "上一次成功" in broken.stderr
    assert status(tmp_path)["failed_step"] == "build"
    assert [s["name"] for s in status(tmp_path)["steps"]] == ["stats", "ledger", "draws", "build"]
    assert (tmp_path / "site" / "index.html").read_bytes() == home
    assert bucket_keys(endpoint) == published  # nothing was published


def test_failed_statistics_stop_the_cycle_before_the_build(tmp_path):
    env = cycle_env(tmp_path, YIMATONG_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x")
    failed = yimatong(env, "cycle")
    assert failed.returncode == FAILED
    assert "步骤 stats" in failed.stderr
    assert status(tmp_path)["failed_step"] == "stats"
    assert not (tmp_path / "site").exists()


def test_a_second_cycle_waits_for_the_first(tmp_path):
    env = cycle_env(tmp_path)
    lock = tmp_path / "cache" / LOCK_FILE
    lock.parent.mkdir(parents=True)
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = yimatong(env, "cycle")
    assert refused.returncode == LOCKED
    assert "另一个 yimatong cycle 正在运行" in refused.stderr
    assert not (tmp_path / "site").exists() and not (tmp_path / "cache" / STATUS_FILE).exists()


def test_a_crashed_cycle_does_not_keep_the_lock(tmp_path):
    lock = tmp_path / "cache" / LOCK_FILE
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_DIE, str(lock)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait(timeout=10)
    holder.stdout.close()
    with lock.open("a") as mine:
        fcntl.flock(mine, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again: the kernel released it


HOLD_AND_DIE = """
import sys, time
from pathlib import Path
from generator.cycle import cycle_lock
with cycle_lock(Path(sys.argv[1])) as got:
    print("held" if got else "not held", flush=True)
    time.sleep(60)
"""
