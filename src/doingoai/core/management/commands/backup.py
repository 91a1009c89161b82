from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doingoai.core import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp đính kèm vào một tệp .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="đường dẫn tệp sao lưu (mặc định: DATA_DIR/backups/…)")

    def handle(self, *args, output=None, **options):
        try:
            path = backup.create(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {path}"))
