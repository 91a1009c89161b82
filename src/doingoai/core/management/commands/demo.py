from django.core.management.base import BaseCommand

from doingoai.core import demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (đơn vị, cơ quan, mỗi vai trò một người dùng). Chạy lại không mất dữ liệu."

    def handle(self, *args, **options):
        people = demo.load()
        demo.run_module_loaders(self.stdout.write)
        self.stdout.write("Tài khoản mẫu (tên đăng nhập / mật khẩu ban đầu / vai trò / đơn vị):")
        for person, created in people:
            note = "" if created else "  (đã có từ trước; mật khẩu giữ nguyên)"
            self.stdout.write(
                f"  {person.username:<12} {demo.DEMO_PASSWORD:<14} {person.role.label:<18} {person.unit}{note}"
            )
