from django.core.management.base import BaseCommand

from accounts.roles import ensure_roles


class Command(BaseCommand):
    help = "Tạo hoặc cập nhật các nhóm quyền (vai trò) của Bộ phận Một cửa."

    def handle(self, *args, **options):
        for name, group in ensure_roles().items():
            self.stdout.write(f"{name}: {group.permissions.count()} quyền")
