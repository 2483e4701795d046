"""`manage.py export_personal_data --user USERNAME (--id-number N | --phone P) [-o FILE.json]`.

Answers a person's request to see their data (Law 91/2025/QH15): everything held about them
in the dossiers, feedback items and survey calls that USERNAME may see, as JSON. The read is
logged: one access-log row per dossier found (or one row when none is), before any output.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.scoping import user_agency
from dossiers.models import Dossier
from privacy.masking import mask_id_number
from privacy.models import PersonalDataAccess
from privacy.subject import personal_data_held

READ_PERMISSION = "dossiers.view_dossier"


class Command(BaseCommand):
    help = "Trích xuất mọi dữ liệu cá nhân đang lưu về một người (theo số CCCD hoặc số điện thoại)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Tài khoản trả lời yêu cầu (phạm vi: cơ quan của tài khoản).")
        parser.add_argument("--id-number", default="", help="Số CCCD/CMND của người yêu cầu.")
        parser.add_argument("--phone", default="", help="Số điện thoại của người yêu cầu.")
        parser.add_argument("-o", "--output", help="Tệp .json sẽ ghi (mặc định: in ra màn hình).")

    def handle(self, *args, **options):
        if not (options["id_number"].strip() or options["phone"].strip()):
            raise CommandError("Cần --id-number hoặc --phone.")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có tài khoản đang hoạt động '{options['user']}'.")
        if not user.has_perm(READ_PERMISSION):
            raise CommandError(f"Tài khoản '{user.username}' không có quyền xem hồ sơ.")
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"Không có thư mục '{output.parent}'.")
        held = personal_data_held(user=user, id_number=options["id_number"], phone=options["phone"])
        text = json.dumps(held, ensure_ascii=False, indent=2) + "\n"
        try:
            with transaction.atomic():  # no output without its log rows
                _log(user, held, options)
                if output is not None:
                    output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Không ghi được '{output}': {exc.strerror}.") from None
        if output is None:
            self.stdout.write(text, ending="")
        else:
            found = len(held["dossiers"])
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {found} hồ sơ và dữ liệu liên quan vào {output}"))


def _log(user, held: dict, options) -> None:
    asked = " ".join(
        part for part in (
            f"CCCD {mask_id_number(options['id_number'].strip())}" if options["id_number"].strip() else "",
            f"ĐT {options['phone'].strip()}" if options["phone"].strip() else "",
        ) if part
    )
    common = {
        "user": user, "username": user.get_username(), "kind": PersonalDataAccess.Kind.SUBJECT_EXPORT,
        "source": PersonalDataAccess.Source.COMMAND, "subject": f"Yêu cầu của chủ thể dữ liệu: {asked}"[:255],
    }
    codes = [entry["code"] for entry in held["dossiers"]]
    found = Dossier.objects.filter(code__in=codes).values_list("pk", "code", "agency_id")
    rows = [PersonalDataAccess(dossier_id=pk, dossier_code=code, agency_id=agency_id, **common)
            for pk, code, agency_id in found]
    if not rows:  # the search itself touched personal data: logged under the user's agency
        own = user_agency(user)
        rows = [PersonalDataAccess(count=0, agency_id=own.pk if own else None, **common)]
    PersonalDataAccess.objects.bulk_create(rows)
