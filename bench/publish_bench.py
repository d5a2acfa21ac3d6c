"""Publish benchmark: N small files to moto's S3 server on loopback, serial vs parallel.

Run: ``.venv/bin/python bench/publish_bench.py --files 20000 --jobs 16``. Prints files/s of a
raw boto3 ``put_object`` loop over the same files (the floor), of ``publish`` with one job
and with ``--jobs`` jobs, each into a fresh bucket, and of a second, no-change publish.
Figures go to docs/publishing.md.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.publish.upload import make_client, publish, scan  # noqa: E402


def _site(root: Path, count: int) -> Path:
    """``count`` small HTML pages in folders of 100, like unit pages."""
    site = root / "site"
    for i in range(count):
        path = site / "e" / f"{i // 100:04d}" / f"{i:06d}" / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<!doctype html><title>单位 {i}</title><p>{'x' * (i % 500)}</p>")
    return site


def _timed(label: str, count: int, run: object) -> None:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    click.echo(f"{label:<28} {count:>7} 个  {seconds:8.1f} s  {count / seconds:8.0f} 个/s")


@click.command()
@click.option("--files", "count", default=20_000, show_default=True, help="文件数。")
@click.option("--jobs", default=16, show_default=True, help="并行上传数。")
def main(count: int, jobs: int) -> None:
    """Time publishing ``count`` files against a local S3-compatible server."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    for name, value in (("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "x")):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = make_client(f"http://{host}:{port}", "us-east-1", "path", jobs)
    with tempfile.TemporaryDirectory() as tmp:
        site = _site(Path(tmp), count)
        files = scan(site)
        for bucket in ("floor", "serial", "parallel"):
            client.create_bucket(Bucket=bucket)

        def floor() -> None:
            for f in files:
                with f.open() as body:
                    client.put_object(Bucket="floor", Key=f.key, Body=body)

        _timed("floor: put_object loop", count, floor)
        _timed("publish --jobs 1", count, lambda: publish(client, "serial", site, jobs=1))
        _timed(
            f"publish --jobs {jobs}", count, lambda: publish(client, "parallel", site, jobs=jobs)
        )
        _timed("no change, second publish", count, lambda: publish(client, "parallel", site))
    server.stop()


if __name__ == "__main__":
    main()
