import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from doingoai.core import jobs


class Command(BaseCommand):
    help = "Chạy lịch định kỳ: đưa các tác vụ đến hạn (bảng Lịch tác vụ) vào hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="chạy một lượt rồi dừng")
        parser.add_argument("--tick", type=int, default=settings.DOINGOAI_SCHEDULER_TICK, help="số giây giữa hai lượt")

    def handle(self, *args, once=False, tick=15, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        jobs.ensure_schedules()
        self.stdout.write(f"Bộ lập lịch đang chạy (mỗi {tick} giây).")
        try:
            while not stopping:
                for name in jobs.run_due():
                    self.stdout.write(f"Đã đưa vào hàng đợi: {name}")
                if once:
                    break
                for _ in range(tick * 10):
                    if stopping:
                        break
                    time.sleep(0.1)
        except KeyboardInterrupt:
            pass
        self.stdout.write("Bộ lập lịch đã dừng.")
