"""The systemd unit and the settings example in deploy/ name what exists."""

from __future__ import annotations

import configparser

from feedback.config import FEEDBACK_SETTINGS

from .machine import ROOT

DEPLOY = ROOT / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def test_service_unit_runs_the_repositorys_gunicorn_settings():
    service = _unit("yimatong-feedback.service")["Service"]
    assert service["Type"] == "notify"
    assert service["ExecStart"].endswith("gunicorn -c /srv/yimatong/deploy/gunicorn.conf.py")
    assert (DEPLOY / "gunicorn.conf.py").is_file()
    assert "feedback init-db" in service["ExecStartPre"]
    assert set(service["RestartPreventExitStatus"].split()) == {"3", "4"}


def test_settings_example_names_only_declared_settings():
    declared = {s.env for s in FEEDBACK_SETTINGS}
    lines = (DEPLOY / "feedback.env.example").read_text(encoding="utf-8").splitlines()
    names = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert names and set(names) <= declared, set(names) - declared
    assert "YIMATONG_PRODUCTION" in names and "YIMATONG_PROXY_HOPS" in names
