"""Issue an API token on the server: `manage.py create_api_token USERNAME [--name …]`.

Prints the key once; only its digest is stored. Refuses superusers and inactive accounts.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import api_token_issue


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một tài khoản (không phải superuser); mã chỉ in ra một lần."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Hệ thống sẽ dùng mã, ví dụ: Cổng dịch vụ công.")

    def handle(self, *args, username, name, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r}.")
        try:
            issued = api_token_issue(user=user, actor=None, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Mã truy cập của {username}, hết hạn {issued.token.expires:%Y-%m-%d}; chỉ in một lần:")
        self.stdout.write(issued.key)
