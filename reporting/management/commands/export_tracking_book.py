"""`manage.py export_tracking_book --agency CODE --from YYYY-MM-DD --to YYYY-MM-DD -o FILE.xlsx`.

The tracking book (Sổ theo dõi hồ sơ, Mẫu 06): every dossier received in the range, streamed,
with a new sheet every 1,048,576 rows (`--max-rows` to change it).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy.services import Kind as ReadKind
from privacy.services import command_access_record
from reporting.exports import EXCEL_MAX_ROWS, tracking_book_rows, write_tracking_book
from reporting.management.helpers import agency_by_code, parse_date, progress_bar
from reporting.periods import Period


class Command(BaseCommand):
    help = "Xuất sổ theo dõi hồ sơ (Mẫu 06) của một cơ quan trong một khoảng ngày tiếp nhận ra tệp Excel."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="Mã cơ quan.")
        parser.add_argument("--from", dest="date_from", required=True, help="Ngày tiếp nhận từ (YYYY-MM-DD).")
        parser.add_argument(
            "--to", dest="date_to", required=True, help="Ngày tiếp nhận đến (YYYY-MM-DD), tính cả ngày này."
        )
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx sẽ ghi.")
        parser.add_argument("--max-rows", type=int, default=EXCEL_MAX_ROWS,
                            help="Số dòng tối đa mỗi trang tính, kể cả dòng tiêu đề (mặc định: giới hạn của Excel).")

    def handle(self, *args, **options):
        agency = agency_by_code(options["agency"])
        start, end = parse_date(options["date_from"], "--from"), parse_date(options["date_to"], "--to")
        if start > end:
            raise CommandError("--to phải sau hoặc bằng --from.")
        if options["max_rows"] < 2:
            raise CommandError("--max-rows phải từ 2 trở lên.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Không có thư mục '{output.parent}'.")
        period = Period.custom(start, end)
        total = tracking_book_rows(period=period, agency_ids=[agency.pk]).count()
        # Names, phones and addresses leave the database here: logged before the file is written.
        command_access_record(
            kind=ReadKind.TRACKING_BOOK, agency_id=agency.pk, count=total,
            subject=f"{agency.code} {start:%d/%m/%Y}–{end:%d/%m/%Y} → {output.name}",
        )
        with progress_bar(self, verbosity=options["verbosity"], total=total, desc="Ghi sổ", unit="hồ sơ") as bar:
            result = write_tracking_book(
                output, period=period, agency_ids=[agency.pk], max_rows=options["max_rows"], progress=bar.update
            )
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {result.rows} hồ sơ vào {result.sheets} trang tính: {output}"))
