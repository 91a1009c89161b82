from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doingoai.core import backup


class Command(BaseCommand):
    help = "Khôi phục một tệp sao lưu vào thư mục dữ liệu (và cơ sở dữ liệu) trống."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive, **options):
        try:
            result = backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result["manifest"]
        self.stdout.write(self.style.SUCCESS(
            f"Đã khôi phục bản sao lưu ngày {manifest['created_at'][:10]} "
            f"(doingoai {manifest['platform_version']}, {result['media_files']} tệp)."
        ))
