"""`doingoai serve` (what `make run` ends with): web, worker and scheduler together."""

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_port_in_use_gives_a_clear_message_and_no_traceback(doingoai_bin, subprocess_env):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([doingoai_bin, "serve", "--port", str(port)], env=subprocess_env,
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert f"Cổng {port} đang được chương trình khác dùng" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.django_db(transaction=True)
def test_serve_starts_three_processes_answers_http_and_stops_on_ctrl_c(doingoai_bin, subprocess_env, units):
    port = _free_port()
    proc = subprocess.Popen([doingoai_bin, "serve", "--port", str(port), "--host", "127.0.0.1", "--web-workers", "1"],
                            env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.25)
        assert body is not None, "the web server did not answer"
        assert "Đăng nhập" in body
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert "doingoai đang chạy" in output
    for name in ("web", "worker", "scheduler"):
        assert f"{name} started" in output
    assert proc.returncode is not None


def test_static_files_collect_for_the_production_server(doingoai_bin, tmp_path):
    # `make run` collects static files with WhiteNoise's manifest storage, which refuses a file
    # that points to one missing (a vendored script's source map, say).
    env = {"PATH": "/usr/bin:/bin", "DOINGOAI_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([doingoai_bin, "collectstatic", "--noinput", "-v0"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "static/staticfiles.json").exists()
