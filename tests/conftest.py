"""Session-wide rules: ``--today`` runs the suite as on another day, and a run that changed
the checkout (outside the artifacts folder) fails. See docs/quality.md."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from generator import clock
from tests.checkout import changed_paths, snapshot
from tests.directory_helpers import write_directory_file


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--today=YYYY-MM-DD[THH:MM]``: the system's clock (generator.clock) reads that moment."""
    parser.addoption(
        "--today",
        default=None,
        help="run as on this China date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    )


def _moment(raw: str) -> dt.datetime | dt.date:
    try:
        return (
            dt.datetime.fromisoformat(raw)
            if "T" in raw or " " in raw
            else dt.date.fromisoformat(raw)
        )
    except ValueError as error:
        raise pytest.UsageError(f"--today {raw!r} 不是日期（例如 2028-02-29）") from error


def pytest_configure(config: pytest.Config) -> None:
    """Move the clock for ``--today``; remember the checkout to compare at the end; keep
    Hypothesis's (and schemathesis's) caches in a temporary folder."""
    _HYPOTHESIS_HOME.append(tempfile.mkdtemp(prefix="hypothesis-"))
    set_hypothesis_home_dir(_HYPOTHESIS_HOME[-1])
    raw = config.getoption("--today")
    if raw:
        clock.set_now(_moment(raw))
    config.stash[_BEFORE] = snapshot()


def pytest_report_header(config: pytest.Config) -> str:
    """Say which day the suite runs on (China time)."""
    return f"today (China): {clock.china_today().isoformat()}"


_BEFORE = pytest.StashKey[dict]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test wrote into the checkout (tests write only under tmp_path)."""
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    changed = changed_paths(before, snapshot())
    if not changed:
        return
    shown = "\n".join(f"  {path}" for path in changed[:20])
    more = f"\n  …还有 {len(changed) - 20} 个" if len(changed) > 20 else ""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = f"测试改动了代码目录中的 {len(changed)} 个文件（测试只能写临时目录）：\n{shown}{more}"
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(message, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


_HYPOTHESIS_HOME: list[str] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove Hypothesis's temporary folder."""
    set_hypothesis_home_dir(None)
    while _HYPOTHESIS_HOME:
        shutil.rmtree(_HYPOTHESIS_HOME.pop(), ignore_errors=True)


@pytest.fixture(scope="session")
def fixture_directory(tmp_path_factory) -> str:
    """The directory file of the fixture content, which the feedback service reads
    (config DIRECTORY_FILE); written once per session in a temporary folder."""
    return str(write_directory_file(tmp_path_factory.mktemp("directory") / "fixture.jsonl"))


@pytest.fixture(scope="module")
def endpoint():
    """A moto S3 server on a free loopback port (the S3-compatible store of the tests)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
