from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý tác vụ nền, theo TASKS_BACKEND (database hoặc rq)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="xử lý hết hàng đợi rồi dừng")
        parser.add_argument("--queue", default="default")

    def handle(self, *args, burst=False, queue="default", **options):
        if settings.TASKS_BACKEND == "rq":
            extra = ["--burst"] if burst else []
            call_command("rqworker", queue, "--with-scheduler", "--job-class", "django_tasks_rq.backend.Job", *extra)
        else:
            extra = ["--batch"] if burst else []
            call_command("db_worker", "--queue-name", queue, "--interval", "1", *extra)
