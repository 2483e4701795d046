import os
import secrets

from django.core.management.base import BaseCommand

from dossiers.demo import load_demo


class Command(BaseCommand):
    help = (
        "Nạp danh mục thủ tục ngành giáo dục, tài khoản mẫu, hồ sơ mẫu, đánh giá hài lòng và phản ánh, kiến nghị mẫu "
        "(chạy lại không tạo trùng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Mật khẩu cho mọi tài khoản mẫu (mặc định: sinh ngẫu nhiên).")

    def handle(self, *args, password=None, **options):
        password = password or os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        result = load_demo(password=password)
        catalogue = result["catalogue"]
        self.stdout.write(
            f"Danh mục: {len(result['agencies'])} cơ quan; thủ tục tạo mới {catalogue.created}, "
            f"cập nhật {catalogue.updated}, không đổi {catalogue.unchanged}."
        )
        self.stdout.write(f"Hồ sơ mẫu mới: {result['dossiers']}; phiếu xin lỗi mới dự thảo: {result['letters']}.")
        feedback = result["feedback"]
        self.stdout.write(
            f"Đánh giá hài lòng mới: {feedback['ratings']}; phản ánh, kiến nghị mới: {feedback['feedback_items']}."
        )
        self.stdout.write(self.style.SUCCESS(f"\nTài khoản đăng nhập (mật khẩu chung: {password})"))
        for username, role, scope in result["staff"]:
            self.stdout.write(f"  {username:<15} {role:<30} {scope}")
        self.stdout.write("\nMở http://127.0.0.1:8000/ và đăng nhập bằng tài khoản admin ở trên.")
