"""`manage.py export_procedures FILE.xlsx`: the catalogue in the layout import_procedures reads."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.catalogue import write_catalogue_xlsx
from procedures.models import Agency, Procedure


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục hành chính ra tệp Excel (.xlsx) theo đúng mẫu dùng để nhập."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx sẽ được ghi (ghi đè nếu đã có).")
        parser.add_argument("--agency", metavar="CODE", help="Chỉ xuất thủ tục của cơ quan này.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Tên tệp xuất phải có đuôi .xlsx.")
        procedures = Procedure.objects.all()
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"].strip().upper()).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mã '{options['agency']}'.")
            procedures = procedures.filter(agency=agency)
        try:
            count = write_catalogue_xlsx(procedures, path)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp '{path}': {exc.strerror or exc}") from exc
        self.stdout.write(f"Đã xuất {count} thủ tục ra '{path}'.")
