"""The systemd unit and the settings example in deploy/ name what exists."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest

from feedback.config import FEEDBACK_SETTINGS
from generator.cycle import LOCKED
from generator.settings import SETTINGS

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
    declared = {s.env for s in (*FEEDBACK_SETTINGS, *SETTINGS)}
    lines = (DEPLOY / "feedback.env.example").read_text(encoding="utf-8").splitlines()
    names = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert names and set(names) <= declared, set(names) - declared
    assert "YIMATONG_PRODUCTION" in names and "YIMATONG_PROXY_HOPS" in names


def test_cycle_timer_starts_the_cycle_service():
    timer = _unit("yimatong-cycle.timer")["Timer"]
    assert timer["Unit"] == "yimatong-cycle.service"
    assert timer["Persistent"] == "true"
    service = _unit("yimatong-cycle.service")["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("/.venv/bin/yimatong cycle")
    assert service["SuccessExitStatus"].split() == [str(LOCKED)]


def test_cycle_timer_calendar_is_understood_by_systemd():
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    calendar = _unit("yimatong-cycle.timer")["Timer"]["OnCalendar"]
    checked = subprocess.run(
        ["systemd-analyze", "calendar", calendar], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    assert "Asia/Shanghai" in checked.stdout


def test_crontab_runs_the_cycle_with_the_services_settings():
    lines = (DEPLOY / "cron" / "yimatong").read_text(encoding="utf-8").splitlines()
    jobs = [line.split(None, 6) for line in lines if line[:1].isdigit()]
    assert len(jobs) == 2
    minute, hour, *_days, user, command = jobs[0]
    assert (minute, hour, user) == ("30", "2", "yimatong")
    assert ". /etc/yimatong/feedback.env" in command and "yimatong cycle" in command


def test_crontab_sends_the_permit_reminders_on_the_first_of_each_month():
    lines = (DEPLOY / "cron" / "yimatong").read_text(encoding="utf-8").splitlines()
    jobs = [line.split(None, 6) for line in lines if line[:1].isdigit()]
    minute, hour, day, month, weekday, user, command = jobs[1]
    assert (day, month, weekday, user) == ("1", "*", "*", "yimatong")
    assert ". /etc/yimatong/feedback.env" in command
    assert "yimatong feedback reminders permits && " in command
    assert command.index("reminders permits") < command.index("feedback send-mail")
