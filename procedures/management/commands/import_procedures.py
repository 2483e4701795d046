"""`manage.py import_procedures FILE`: load the catalogue from .xlsx or .json, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config.files import refuse_huge_file
from procedures.catalogue import (
    CatalogueError,
    catalogue_upsert,
    check_catalogue_user,
    read_catalogue_json,
    read_catalogue_xlsx,
)


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục hành chính từ tệp Excel (.xlsx) hoặc JSON. Có một dòng lỗi thì "
        "không ghi gì; chạy lại cùng tệp không tạo thay đổi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx (theo mẫu của export_procedures) hoặc .json.")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và báo kết quả, không ghi gì.")
        parser.add_argument(
            "--user", help="Tên đăng nhập của người nhập, được ghi vào lịch sử thay đổi (bắt buộc, trừ khi --dry-run)."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        refuse_huge_file(path)
        user = self._user(options["user"]) if options["user"] else None

        try:
            reader = read_catalogue_json if path.suffix.lower() == ".json" else read_catalogue_xlsx
            rows = reader(path)
            if user is None and not options["dry_run"]:
                # No write without an author in the history (docs/catalogue-import.md).
                raise CommandError(
                    "Cần --user TÊN_ĐĂNG_NHẬP: người nhập được ghi vào lịch sử thay đổi của từng thủ tục."
                )
            result = catalogue_upsert(rows=rows, user=user, dry_run=options["dry_run"])
        except CatalogueError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Có {len(exc.errors)} lỗi trong tệp '{path.name}'; không có thay đổi nào được ghi."
            ) from exc

        if options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì vào cơ sở dữ liệu.")
        if not rows:
            self.stdout.write(self.style.WARNING("Tệp không có dòng thủ tục nào."))
        self.stdout.write(f"Tạo mới: {result.created}, cập nhật: {result.updated}, không đổi: {result.unchanged}")
        self.stdout.write(f"Lĩnh vực tạo mới: {result.fields_created}, đổi tên: {result.fields_updated}")

    def _user(self, username: str):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None
        try:
            check_catalogue_user(user)  # before reading the file: history must not name a clerk
        except CatalogueError as exc:
            raise CommandError(f"{exc} Không có thay đổi nào được ghi.") from exc
        return user
