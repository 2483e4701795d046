"""`manage.py generate_demo_data --dossiers N --seed S [--agencies K]`: a large realistic office.

For benchmarks and demonstrations: agencies, fields and procedures at every online level, and
N dossiers received over the last two years in every state (the channel mix; settled early, on
time and late; in progress; supplements and their breaches; suspensions; refusals; withdrawals;
apology letters issued or drafted), written with bulk_create. Generated rows have no field
history; their events are written unless --skip-events. For that reason the command refuses a
database that holds dossiers of any agency it did not generate. See docs/reporting.md.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dossiers.models import Dossier
from reporting.demo import generate
from reporting.demo.catalogue import DEMO_PREFIX
from reporting.management.helpers import parse_date, progress_bar


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu số lượng lớn (cơ quan, thủ tục, hồ sơ ở mọi trạng thái) bằng bulk_create."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help="Số hồ sơ cần sinh.")
        parser.add_argument("--seed", type=int, required=True, help="Hạt giống ngẫu nhiên (cùng seed, cùng dữ liệu).")
        parser.add_argument("--agencies", type=int, default=3, help="Số cơ quan (mặc định 3).")
        parser.add_argument("--from", dest="date_from", help="Ngày tiếp nhận sớm nhất (mặc định 01/01 năm trước).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Số dòng mỗi lần ghi (mặc định 5000).")
        parser.add_argument("--skip-events", action="store_true", help="Không ghi nhật ký sự kiện (nhanh hơn).")

    def handle(self, *args, **options):
        if options["dossiers"] < 1 or options["agencies"] < 1:
            raise CommandError("--dossiers và --agencies phải từ 1 trở lên.")
        if not 100 <= options["batch_size"] <= 50_000:
            raise CommandError("--batch-size phải từ 100 đến 50000.")
        start = parse_date(options["date_from"], "--from") if options["date_from"] else None
        # Generated rows skip the audit trail, so never beside an office's own dossiers.
        real = Dossier.objects.exclude(agency__code__startswith=DEMO_PREFIX).values_list("agency__code", flat=True)
        agency = real.first()
        if agency is not None:
            raise CommandError(
                f"Cơ sở dữ liệu này đã có hồ sơ của cơ quan {agency}. Dữ liệu sinh ngẫu nhiên được ghi "
                "không qua lịch sử thay đổi, nên chỉ chạy lệnh này trên một cơ sở dữ liệu riêng để thử nghiệm."
            )
        total, verbosity = options["dossiers"], options["verbosity"]
        with progress_bar(self, verbosity=verbosity, total=total, desc="Sinh hồ sơ", unit="hồ sơ") as bar:
            try:
                result = generate(
                    dossiers=options["dossiers"], seed=options["seed"], agencies=options["agencies"], start=start,
                    batch_size=options["batch_size"], with_events=not options["skip_events"], progress=bar.update,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Cơ quan: {', '.join(result.agencies)}; {result.dossiers} hồ sơ, {result.events} sự kiện, "
            f"{result.letters} phiếu xin lỗi trong {result.seconds:.1f} giây."
        )
        self.stdout.write(self.style.SUCCESS("Hoàn tất (không ghi lịch sử thay đổi cho dữ liệu sinh ngẫu nhiên)."))
