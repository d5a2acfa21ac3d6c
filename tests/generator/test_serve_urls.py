"""The two public addresses are declared once and both apps read them alike (issue 13):
the command line wins over the environment, which wins over the preview's own ports."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from feedback.config import FEEDBACK_SETTINGS, from_env
from feedback.preview import preview_urls, serve_command, service_config
from generator import settings

SHARED = {"BASE_URL": "base_url", "FEEDBACK_URL": "feedback_url"}
ADDRESSES = [
    "http://127.0.0.1:8100",
    "https://yimatong.sthjt.gxzf.gov.cn",
    "http://[::1]:5100",
    "https://example.org/sub/path",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No address from the developer's shell."""
    for name in ("YIMATONG_BASE_URL", "YIMATONG_FEEDBACK_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("key", "name"), SHARED.items())
def test_service_reads_the_generators_declaration(key: str, name: str) -> None:
    service = {s.name: s for s in FEEDBACK_SETTINGS}[key]
    assert service.env == settings.declared(name).env
    assert service.default == settings.declared(name).default
    assert from_env({})[key] == settings.get(name)


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize(("key", "name"), SHARED.items())
def test_one_environment_variable_sets_both_apps(
    monkeypatch: pytest.MonkeyPatch, key: str, name: str, address: str
) -> None:
    monkeypatch.setenv(settings.declared(name).env, address)
    assert from_env()[key] == settings.resolve()[name] == address


def test_preview_defaults_to_its_own_ports() -> None:
    conf = settings.resolve(preview_urls(None, None))
    assert (conf["base_url"], conf["feedback_url"]) == (
        "http://127.0.0.1:8000",
        "http://127.0.0.1:5000",
    )


@pytest.mark.parametrize(("port", "feedback_port"), [(8100, 5100), (1024, 65535), (5000, 8000)])
def test_ports_give_the_addresses(port: int, feedback_port: int) -> None:
    conf = settings.resolve(preview_urls(port, feedback_port))
    assert conf["base_url"] == f"http://127.0.0.1:{port}"
    assert conf["feedback_url"] == f"http://127.0.0.1:{feedback_port}"


def test_environment_wins_over_the_default_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIMATONG_BASE_URL", ADDRESSES[1])
    monkeypatch.setenv("YIMATONG_FEEDBACK_URL", ADDRESSES[3])
    conf = settings.resolve(preview_urls(None, None))
    assert (conf["base_url"], conf["feedback_url"]) == (ADDRESSES[1], ADDRESSES[3])


def test_command_line_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIMATONG_BASE_URL", "http://localhost:8000")
    monkeypatch.setenv("YIMATONG_FEEDBACK_URL", "http://localhost:5000")
    conf = settings.resolve(preview_urls(8100, None, None, "https://fb.example.org/"))
    assert conf["base_url"] == "http://127.0.0.1:8100"
    assert conf["feedback_url"] == "https://fb.example.org"
    only_one = settings.resolve(preview_urls(None, 5100))
    assert only_one["base_url"] == "http://localhost:8000"
    assert only_one["feedback_url"] == "http://127.0.0.1:5100"


@pytest.mark.parametrize("address", ADDRESSES)
def test_explicit_address_wins_over_the_port(address: str) -> None:
    conf = settings.resolve(preview_urls(8100, 5100, address + "/", address))
    assert conf["base_url"] == conf["feedback_url"] == address


def test_the_service_gets_the_same_addresses() -> None:
    conf = settings.resolve({**preview_urls(8100, 5100), "search_index_dir": "idx"})
    config = service_config(conf)
    assert config == {
        "BASE_URL": "http://127.0.0.1:8100",
        "FEEDBACK_URL": "http://127.0.0.1:5100",
        "SEARCH_INDEX_DIR": "idx",
    }


def test_serve_help_names_the_address_options() -> None:
    result = CliRunner().invoke(serve_command, ["--help"])
    assert result.exit_code == 0
    for option in ("--port", "--feedback-port", "--base-url", "--feedback-url", "--build"):
        assert option in result.output
