from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from apology_letters.services import sweep_late_dossiers
from config.dates import ApiDateTimeField
from procedures.calendar import VN_TZ
from procedures.models import Agency


class Command(BaseCommand):
    help = (
        "Rà soát hồ sơ đã quá hạn hoặc sắp đến hạn (trong 1 ngày làm việc) chưa có phiếu xin lỗi, "
        "và dự thảo phiếu cho từng hồ sơ. Chạy lại không tạo phiếu trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Thời điểm rà soát, ISO 8601 (mặc định: bây giờ).")
        parser.add_argument("--agency", help="Chỉ rà soát một cơ quan (mã).")

    def handle(self, *args, at=None, agency=None, **options):
        instant = None
        if at:
            try:
                instant = ApiDateTimeField().run_validation(at)
            except ValidationError as exc:
                raise CommandError(
                    f"--at {at!r} không phải thời điểm ISO 8601 hợp lệ (ví dụ 2026-11-25T17:00+07:00): "
                    + " ".join(str(message) for message in exc.detail)
                ) from None
        if agency and not Agency.objects.filter(code=agency).exists():
            raise CommandError(f"Không có cơ quan mã {agency!r}.")
        report = sweep_late_dossiers(at=instant, agency_code=agency)
        agencies = ", ".join(report.agencies) or "không có"
        self.stdout.write(f"Rà soát lúc {report.at.astimezone(VN_TZ):%H:%M %d/%m/%Y}, cơ quan: {agencies}")
        self.stdout.write(f"Phiếu mới dự thảo: {len(report.drafted)}")
        for letter in report.drafted:
            self.stdout.write(
                f"  Số {letter.number_display}  {letter.dossier.code}  hẹn lại "
                f"{letter.new_due_at.astimezone(VN_TZ):%H:%M %d/%m/%Y}"
                + ("  (vượt số lần hẹn lại cho phép)" if letter.exceeds_limit else "")
            )
        for why, count in sorted(report.skipped.items()):
            self.stdout.write(f"Bỏ qua {count} hồ sơ: {why}")
        if report.failed:
            self.stderr.write(
                f"Chưa rà soát được {len(report.failed)} hồ sơ vì đang bị thao tác cùng lúc; "
                "hãy chạy lại lệnh: " + ", ".join(report.failed)
            )
