"""gunicorn with the repository's settings refuses a production start it must not make."""

from __future__ import annotations

import runpy
import subprocess

import pytest

from .machine import GUNICORN_CONF, free_port, service_env, start_gunicorn

WEAK = "反馈服务拒绝启动"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"YIMATONG_SECRET_KEY": "changeme"}, "YIMATONG_SECRET_KEY 太弱"),
        ({"YIMATONG_SECRET_KEY": "x" * 12}, "YIMATONG_SECRET_KEY 太弱"),
        ({"YIMATONG_SECRET_KEY": ""}, "必须设置 YIMATONG_SECRET_KEY"),
        ({"FLASK_DEBUG": "1"}, "生产模式不能开启调试"),
    ],
)
def test_production_start_is_refused(tmp_path, extra, says):
    env = service_env(tmp_path, "https://yimatong.example.cn", tmp_path / "index", **extra)
    log = tmp_path / "gunicorn.log"
    process = start_gunicorn(env, free_port(), log)
    try:
        code = process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        pytest.fail("gunicorn served with settings it must refuse:\n" + log.read_text())
    text = log.read_text(errors="replace")
    assert code == 4, text  # refused before any worker: systemd does not restart it
    assert WEAK in text and says in text


def test_the_development_secret_file_is_refused(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    dev = "d" * 64
    (instance / "secret_key").write_text(dev)
    env = service_env(tmp_path, "https://yimatong.example.cn", tmp_path / "index")
    env["YIMATONG_SECRET_KEY"] = dev
    log = tmp_path / "gunicorn.log"
    assert start_gunicorn(env, free_port(), log).wait(timeout=90) == 4
    assert "与实例文件夹里的开发密钥 secret_key 相同" in log.read_text(errors="replace")


@pytest.mark.parametrize(
    ("hops", "trusted"), [("0", ""), ("1", "127.0.0.1,::1"), ("2", "127.0.0.1,::1")]
)
def test_forwarded_ips_follow_proxy_hops(monkeypatch, hops, trusted):
    monkeypatch.setenv("YIMATONG_PROXY_HOPS", hops)
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["forwarded_allow_ips"] == trusted
    assert conf["wsgi_app"] == "feedback.wsgi:app" and conf["control_socket_disable"] is True
    assert conf["bind"].startswith("127.0.0.1:") and callable(conf["on_starting"])
