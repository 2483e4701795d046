"""`manage.py import_dossiers FILE.xlsx --user USERNAME [--dry-run]`: a paper tracking book.

The book is Sổ theo dõi hồ sơ (Mẫu 06).

All or nothing: one bad row and nothing is written. Importing the same file again skips the
codes already in the database. See docs/import-dossiers.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from config.files import refuse_huge_file
from dossiers.importing import DossierImportError, check_user, import_dossiers, read_tracking_book

SHOWN_SKIPPED = 20  # codes listed by name in the summary; all of them with --verbosity 2


class Command(BaseCommand):
    help = (
        "Nhập sổ theo dõi hồ sơ (Mẫu 06) từ tệp Excel (.xlsx). Có một dòng lỗi thì không ghi gì; "
        "hồ sơ có mã đã tồn tại được bỏ qua, nên chạy lại cùng tệp không tạo thêm hồ sơ."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx, dòng 1 là tiêu đề (xem docs/import-dossiers.md).")
        parser.add_argument(
            "--user",
            required=True,
            help="Tên đăng nhập của người nhập; lịch sử hồ sơ ghi tên người này.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và báo kết quả, không ghi gì.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = self._user(options["user"])
        refuse_huge_file(path)
        verbosity = options["verbosity"]
        try:
            book = read_tracking_book(path)
            if book.ignored_headers and verbosity >= 1:
                self.stdout.write(self.style.WARNING("Bỏ qua các cột không dùng: " + ", ".join(book.ignored_headers)))
            result = import_dossiers(book, user=user, dry_run=options["dry_run"], progress=self._progress(verbosity))
        except DossierImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            for note in exc.notes:
                self.stderr.write(self.style.WARNING(note))
            raise CommandError(
                f"Có {len(exc.errors)} lỗi trong tệp '{path.name}'; không có hồ sơ nào được ghi."
            ) from exc

        if result.dry_run:
            self.stdout.write("Chạy thử (--dry-run): tệp hợp lệ, không ghi gì vào cơ sở dữ liệu.")
            prefix = "Sẽ nhập"
        else:
            prefix = "Đã nhập"
        if not book.rows:
            self.stdout.write(self.style.WARNING("Tệp không có dòng hồ sơ nào."))
        self.stdout.write(f"{prefix} mới: {result.imported} hồ sơ")
        self.stdout.write(
            f"  trong đó đã có kết quả: {result.finished} (quá hạn: {result.finished_late}), "
            f"đã trả kết quả: {result.returned}"
        )
        self.stdout.write(f"Bỏ qua (đã có): {result.skipped} hồ sơ")
        shown = result.skipped_existing if verbosity >= 2 else result.skipped_existing[:SHOWN_SKIPPED]
        for row, code in shown:
            self.stdout.write(f"  Dòng {row}: hồ sơ {code} đã có")
        if len(shown) < result.skipped:
            self.stdout.write(f"  … và {result.skipped - len(shown)} hồ sơ khác (--verbosity 2 để xem hết)")
        if not result.dry_run:
            self.stdout.write(self.style.SUCCESS("Hoàn tất."))

    def _progress(self, verbosity: int):
        stream = getattr(self.stderr, "_out", sys.stderr)  # tqdm needs the raw stream

        def wrap(plans):
            isatty = getattr(stream, "isatty", lambda: False)
            return tqdm(
                plans,
                desc="Ghi hồ sơ",
                unit=" hồ sơ",
                file=stream,
                disable=verbosity < 1 or not isatty(),
            )

        return wrap

    def _user(self, username: str):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None
        try:
            check_user(user)  # before reading the file: history must name someone who may do this
        except DossierImportError as exc:
            problems = " ".join(error.message[:1].upper() + error.message[1:] for error in exc.errors)
            raise CommandError(f"{problems} Không có hồ sơ nào được ghi.") from exc
        return user
