from django.core.management.base import BaseCommand, CommandError

from doingoai.core import audit


class Command(BaseCommand):
    help = "Nhật ký kiểm toán: `doingoai audit verify` kiểm tra chuỗi băm của toàn bộ nhật ký."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"], help="verify: kiểm tra toàn vẹn")

    def handle(self, *args, **options):
        result = audit.verify()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {len(result.problems)} lỗi trên {result.checked} dòng.")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.checked} dòng, chuỗi băm khớp."))
