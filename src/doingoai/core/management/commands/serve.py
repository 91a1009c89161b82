import os
import socket
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def port_is_free(port: int, host: str = "0.0.0.0") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = (
        "Chạy cùng lúc máy chủ web (gunicorn), tiến trình tác vụ nền và bộ lập lịch, ở tiền cảnh. "
        "Ctrl-C dừng cả ba."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-worker", action="store_true", help="không chạy tiến trình tác vụ nền")
        parser.add_argument("--no-scheduler", action="store_true", help="không chạy bộ lập lịch")

    def handle(self, *args, port, host, web_workers, no_worker, no_scheduler, **options):
        from honcho.manager import Manager

        if not port_is_free(port, host):
            raise CommandError(
                f"Cổng {port} đang được chương trình khác dùng. Dừng chương trình đó, hoặc chọn cổng khác: PORT=8001 make run"
            )
        bindir = os.path.dirname(sys.executable)
        doingoai = os.path.join(bindir, "doingoai")
        env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
        manager = Manager()
        manager.add_process(
            "web",
            f"{os.path.join(bindir, 'gunicorn')} doingoai.wsgi:application --bind {host}:{port} "
            f"--workers {web_workers} --access-logfile - --graceful-timeout 5",
            env=env,
        )
        if not no_worker:
            manager.add_process("worker", f"{doingoai} worker", env=env)
        if not no_scheduler:
            manager.add_process("scheduler", f"{doingoai} scheduler", env=env)
        shown = "localhost" if host in ("0.0.0.0", "::") else host
        self.stdout.write(self.style.SUCCESS(
            f"doingoai đang chạy: http://{shown}:{port}/  (trang cán bộ: http://{shown}:{port}/admin/). Ctrl-C để dừng."
        ))
        manager.loop()
        sys.exit(manager.returncode or 0)
