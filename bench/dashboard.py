"""Staff dashboard latency with the demo data, over real HTTP to the production server.

Makes a fresh data directory, migrates, loads the demo (`doingoai demo`), starts gunicorn the
way `make run` does, signs in as the demo Chuyên viên and times GET /admin/ (the dashboard)
against GET /admin/login/ (a page that touches no data) on one kept-alive connection.

    python bench/dashboard.py [--requests 400] [--workers 2]
Prints p50/p95/p99 in milliseconds and the dashboard/login ratio.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed_gets(port: int, path: str, cookie: str, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Host": "localhost"}
    for _ in range(10):  # warm up
        conn.request("GET", path, headers=headers)
        conn.getresponse().read()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
    conn.close()
    if path == "/admin/" and "Đơn vị và công việc của tôi".encode() not in body:
        raise SystemExit("the dashboard did not render its panel")
    return times


def session_cookie(env: dict) -> str:
    code = (
        "import django; django.setup();"
        "from django.contrib.auth import get_user_model;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "u=get_user_model().objects.get(username='chuyenvien');"
        "s=SessionStore(); s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    key = subprocess.check_output([str(BIN / "python"), "-c", code], env=env, text=True).strip().splitlines()[-1]
    return f"sessionid={key}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="doingoai-bench-") as data:
        env = {**os.environ, "DOINGOAI_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "doingoai.settings.base"}
        env.pop("DATABASE_URL", None)  # the embedded default: SQLite in the fresh data directory
        doingoai = str(BIN / "doingoai")
        for step in (["migrate", "-v0"], ["demo"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([doingoai, *step], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "doingoai.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning"],
            env=env, start_new_session=True,
        )
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            cookie = session_cookie(env)
            dash = timed_gets(port, "/admin/", cookie, args.requests)
            login = timed_gets(port, "/admin/login/", "", args.requests)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    def line(name, values):
        return (f"{name:<22} p50 {percentile(values, 50):7.2f} ms   p95 {percentile(values, 95):7.2f} ms   "
                f"p99 {percentile(values, 99):7.2f} ms   mean {statistics.mean(values):7.2f} ms")

    print(f"{args.requests} requests each, one connection, gunicorn {args.workers} workers, SQLite, demo data")
    print(line("dashboard /admin/", dash))
    print(line("login page /admin/login/", login))
    print(f"ratio dashboard/login  p95 {percentile(dash, 95) / percentile(login, 95):.2f}x")


if __name__ == "__main__":
    main()
