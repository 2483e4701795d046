"""`manage.py export_monthly_stats --agency CODE --period 2026-10 [--convention official|calendar] -o FILE.xlsx`.

Biểu 06/VPCP/KSTT of one agency for a month (or a quarter 2026-Q4, a half-year 2026-H2, a year
2026) under the official 15th–14th convention or calendar months.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.exports import bieu06_workbook
from reporting.figures import GROUPINGS
from reporting.management.helpers import agency_by_code
from reporting.periods import CONVENTIONS, OFFICIAL, parse_period
from reporting.selectors import report_summary


class Command(BaseCommand):
    help = "Xuất Biểu 06/VPCP/KSTT (tình hình, kết quả giải quyết TTHC) của một cơ quan ra tệp Excel."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="Mã cơ quan.")
        parser.add_argument("--period", required=True, help="Kỳ: 2026-10, 2026-Q4, 2026-H2 hoặc 2026.")
        parser.add_argument(
            "--convention", choices=CONVENTIONS, default=OFFICIAL,
            help="official: từ ngày 15 kỳ trước đến ngày 14 (mặc định); calendar: theo tháng dương lịch.",
        )
        parser.add_argument("--group-by", choices=GROUPINGS, default="field", help="Mặc định: field (lĩnh vực).")
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx sẽ ghi.")

    def handle(self, *args, **options):
        agency = agency_by_code(options["agency"])
        try:
            period = parse_period(options["period"], options["convention"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Không có thư mục '{output.parent}'.")
        report = report_summary(period=period, group_by=options["group_by"], agency_ids=[agency.pk])
        bieu06_workbook(report, agency_name=agency.name, parent_name=agency.parent_name,
                        locality=agency.locality).save(output)
        total = report.total
        self.stdout.write(f"{agency.name}: {period.label} {period.range_text}")
        self.stdout.write(
            f"Nhận {total.received_total} (trực tuyến {total.received_online}, trực tiếp/bưu chính "
            f"{total.received_counter_post}, kỳ trước {total.carried_over}); đã giải quyết {total.settled_total}; "
            f"đang giải quyết {total.in_progress_total}."
        )
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {output}"))
