"""A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's binaries, trust auth), for tests and
benchmarks: ``with throwaway_postgres() as url: ...``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
#: Why a cluster cannot be started here, or "" when it can.
UNAVAILABLE = (
    "needs Debian's postgresql binaries and root to start a throwaway cluster"
    if PG_BIN is None or shutil.which("runuser") is None or os.geteuid() != 0
    else ""
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )


@contextmanager
def throwaway_postgres(max_connections: int = 100) -> Iterator[str]:
    """A cluster listening on 127.0.0.1 only; yields its SQLAlchemy URL, removed afterwards."""
    assert PG_BIN is not None, UNAVAILABLE
    # Not under pytest's tmp folder: that one is private to root and postgres must enter it.
    root = Path(tempfile.mkdtemp(prefix="yimatong-pg-"))
    data = root / "data"
    os.chmod(root, 0o777)
    port = _port()
    _as_postgres(
        str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
        "--encoding=UTF8", "--locale=C",
    )  # fmt: skip
    options = f"-h 127.0.0.1 -p {port} -k {root} -F -c max_connections={max_connections}"
    _as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"),
        "start",
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
