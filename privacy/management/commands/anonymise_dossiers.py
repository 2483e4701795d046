"""`manage.py anonymise_dossiers [--before YYYY-MM-DD] [--code CODE ...] [--dry-run] [--report FILE]`.

Replaces the personal data of dossiers closed (returned, refused, withdrawn) before the date
with a fixed marker (privacy/anonymise.py). Without --before, the retention cutoff: today
minus PERSONAL_DATA_RETENTION_YEARS. The report goes to stdout and, unless --dry-run, to
--report (default var/privacy/anonymise-<UTC time>.txt).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from privacy.anonymise import dossiers_anonymise, retention_cutoff
from reporting.management.helpers import parse_date


class Command(BaseCommand):
    help = "Ẩn danh dữ liệu cá nhân của hồ sơ đã kết thúc trước một ngày (hết thời hạn lưu giữ)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", help="Hồ sơ kết thúc trước ngày này (YYYY-MM-DD); mặc định: hôm nay trừ thời hạn lưu giữ."
        )
        parser.add_argument(
            "--code", action="append", default=[], help="Chỉ ẩn danh hồ sơ mã này (lặp lại được)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không thay đổi gì.")
        parser.add_argument("--report", help="Tệp ghi báo cáo (mặc định var/privacy/anonymise-<thời điểm>.txt).")

    def handle(self, *args, **options):
        before = parse_date(options["before"], "--before") if options["before"] else retention_cutoff()
        report_path = None
        if not options["dry_run"] or options["report"]:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            report_path = Path(options["report"] or settings.BASE_DIR / "var" / "privacy" / f"anonymise-{stamp}.txt")
            try:
                report_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"Không tạo được thư mục '{report_path.parent}': {exc.strerror}.") from None
        try:
            with transaction.atomic():  # no report file, no change: the data rolls back with it
                report = dossiers_anonymise(before=before, codes=options["code"], dry_run=options["dry_run"])
                text = "\n".join(report.lines()) + "\n"
                if report_path is not None:
                    report_path.write_text(text, encoding="utf-8")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except OSError as exc:
            raise CommandError(f"Không ghi được báo cáo '{report_path}': {exc.strerror}. Không thay đổi gì.") from None
        self.stdout.write(text, ending="")
        if report_path is not None:
            self.stdout.write(f"Báo cáo: {report_path}")
