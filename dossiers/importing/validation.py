"""Checking the importing user and every row of a book before anything is written.

`validate_book` checks the user (`check_user`), then has `_RowValidator` read each row against
the catalogue: codes, agency, procedure, applicant, channel and the order of the received, due,
result-ready and returned instants. It collects every problem and raises them together in one
`DossierImportError`; a clean book gives one `PlannedDossier` per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.scoping import sees_all_agencies, user_agency
from dossiers.importing.cells import Moment, _is_empty, _text, normalise_phone, parse_channel, parse_moment
from dossiers.importing.errors import DossierImportError, RowError, _BadValue
from dossiers.importing.layout import _ADDRESS_MAX, _CODE_MAX, _NAME_MAX, DEFAULT_CLOSING, DEFAULT_OPENING, HEADERS
from dossiers.importing.reading import SheetRow, TrackingBook
from dossiers.models import DOSSIER_CODE_PATTERN
from procedures.calendar import VN_TZ
from procedures.models import Agency, Procedure

# The code becomes a URL path segment: anything else would make its pages unreachable and the
# lists that link to it fail (docs/import-dossiers.md).
_URL_SAFE_CODE = re.compile(DOSSIER_CODE_PATTERN)


@dataclass
class PlannedDossier:
    """A row that passed validation: everything `dossier_receive` and the later steps need."""

    row: int
    code: str
    procedure: Procedure
    applicant_name: str
    applicant_phone: str
    applicant_address: str
    channel: str
    notes: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    result_ready_at: dt.datetime | None
    returned_at: dt.datetime | None


def check_user(user) -> None:
    """The importing user may enter paper dossiers with instants in the past."""
    problems = []
    if not user.is_active:
        problems.append(f"tài khoản '{user.get_username()}' đã bị khóa.")
    else:
        if not user.has_perm("dossiers.add_dossier"):
            problems.append(f"tài khoản '{user.get_username()}' không có quyền tiếp nhận hồ sơ.")
        if not user.has_perm("dossiers.backdate_dossier"):
            problems.append(
                f"tài khoản '{user.get_username()}' không có quyền nhập hồ sơ giấy với thời điểm "
                "trong quá khứ (dossiers.backdate_dossier)."
            )
        if not sees_all_agencies(user) and user_agency(user) is None:
            problems.append(f"tài khoản '{user.get_username()}' không thuộc cơ quan nào.")
    if problems:
        raise DossierImportError(RowError(0, "", message) for message in problems)


class _RowValidator:
    """Validates one file's rows against the catalogue, collecting every error."""

    def __init__(self, book: TrackingBook, *, user, now: dt.datetime):
        self.user = user
        self.now = now
        self.today = now.astimezone(VN_TZ).date()
        self.errors: list[RowError] = []
        self.own_agency = user_agency(user)
        self.all_agencies = sees_all_agencies(user)
        if "agency" not in book.columns and self.own_agency is None:
            raise DossierImportError(
                [
                    RowError(
                        1,
                        HEADERS["agency"],
                        f"cần cột này vì tài khoản '{user.get_username()}' không thuộc riêng một cơ quan.",
                    )
                ]
            )
        agency_codes = {_text(row.values.get("agency")).upper() for row in book.rows} - {""}
        self.agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=agency_codes)}
        agency_ids = {agency.pk for agency in self.agencies.values()}
        if self.own_agency is not None:
            agency_ids.add(self.own_agency.pk)
        self.procedures = {
            (procedure.agency_id, procedure.code): procedure
            for procedure in Procedure.objects.filter(agency_id__in=agency_ids).select_related("agency", "field")
        }
        self.first_row_of: dict[str, int] = {}

    def error(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, HEADERS[key], message))

    def cell(self, row: SheetRow, key: str, parse: Callable[[Any], Any]) -> Any:
        """`parse(value)`, or None after recording the error when the cell cannot be read."""
        try:
            return parse(row.values.get(key))
        except _BadValue as exc:
            self.error(row.number, key, str(exc))
            return None

    def required_text(self, row: SheetRow, key: str, max_length: int | None = None) -> str | None:
        text = _text(row.values.get(key))
        if not text:
            self.error(row.number, key, "bắt buộc, đang để trống.")
            return None
        if max_length is not None and len(text) > max_length:
            self.error(row.number, key, f"dài quá {max_length} ký tự.")
            return None
        return text

    def validate(self, row: SheetRow) -> PlannedDossier | None:
        before = len(self.errors)
        n = row.number

        code = self.required_text(row, "code", _CODE_MAX)
        if code is not None and not _URL_SAFE_CODE.fullmatch(code):
            self.error(
                n,
                "code",
                f"mã hồ sơ '{code}' chỉ được gồm chữ cái không dấu, chữ số và các ký tự . _ - "
                "(không có /, #, dấu cách), bắt đầu bằng chữ hoặc số.",
            )
            code = None
        if code is not None:
            if code in self.first_row_of:
                self.error(n, "code", f"mã hồ sơ '{code}' trùng với dòng {self.first_row_of[code]}.")
            else:
                self.first_row_of[code] = n

        agency = self.agency(row)
        procedure = None
        procedure_code = self.required_text(row, "procedure_code")
        if procedure_code is not None and agency is not None:
            procedure = self.procedures.get((agency.pk, procedure_code))
            if procedure is None:
                self.error(
                    n,
                    "procedure_code",
                    f"cơ quan {agency.code} không có thủ tục mã '{procedure_code}'.",
                )
            elif not procedure.is_active:
                self.error(n, "procedure_code", f"thủ tục '{procedure_code}' đã ngừng áp dụng.")

        name = self.required_text(row, "applicant_name", _NAME_MAX)
        phone = None
        if _is_empty(row.values.get("applicant_phone")):
            self.error(n, "applicant_phone", "bắt buộc, đang để trống.")
        else:
            phone = self.cell(row, "applicant_phone", normalise_phone)
        address = _text(row.values.get("applicant_address"))
        if len(address) > _ADDRESS_MAX:
            self.error(n, "applicant_address", f"dài quá {_ADDRESS_MAX} ký tự.")
        channel = None
        if _is_empty(row.values.get("channel")):
            self.error(n, "channel", "bắt buộc, đang để trống.")
        else:
            channel = self.cell(row, "channel", parse_channel)

        instants = self.instants(row, agency)
        if len(self.errors) > before or procedure is None or instants is None:
            return None
        received_at, due_at, result_ready_at, returned_at = instants
        return PlannedDossier(
            row=n,
            code=code,
            procedure=procedure,
            applicant_name=name,
            applicant_phone=phone,
            applicant_address=address,
            channel=channel,
            notes=_text(row.values.get("notes")),
            received_at=received_at,
            due_at=due_at,
            result_ready_at=result_ready_at,
            returned_at=returned_at,
        )

    def agency(self, row: SheetRow) -> Agency | None:
        code = _text(row.values.get("agency")).upper()
        if not code:
            if self.own_agency is None:
                self.error(row.number, "agency", "bắt buộc vì tài khoản không thuộc riêng một cơ quan.")
            return self.own_agency
        agency = self.agencies.get(code)
        if agency is None:
            self.error(row.number, "agency", f"không có cơ quan mã '{code}'.")
        elif not self.all_agencies and agency != self.own_agency:
            self.error(row.number, "agency", f"tài khoản không được nhập hồ sơ của cơ quan {code}.")
            return None
        return agency

    def instants(self, row: SheetRow, agency: Agency | None):
        """(received, due or None, result ready or None, returned or None), or None on error.

        A date without a time: received at the opening of office hours, due / result ready /
        returned at the close; a result or return is never put before the previous step nor
        after now.
        """
        n = row.number
        opening = agency.morning_start if agency else DEFAULT_OPENING
        closing = agency.afternoon_end if agency else DEFAULT_CLOSING
        before = len(self.errors)
        received = due = ready = returned = None
        if _is_empty(row.values.get("received_at")):
            self.error(n, "received_at", "bắt buộc, đang để trống.")
        else:
            received = self.cell(row, "received_at", parse_moment)
        due = self.cell(row, "due_at", parse_moment)
        ready = self.cell(row, "result_ready_at", parse_moment)
        returned = self.cell(row, "returned_at", parse_moment)
        if len(self.errors) > before or received is None:
            return None

        received_at = self.not_future(n, "received_at", received, received.at(opening))
        if received_at is None:
            return None
        due_at = None
        if due is not None:
            due_at = due.at(closing)
            if due_at < received_at:
                self.error(n, "due_at", f"hẹn trả ({due.show()}) trước ngày nhận ({received.show()}).")
        ready_at = None
        if ready is not None:
            ready_at = self.later_step(
                n,
                "result_ready_at",
                ready,
                closing,
                after=received_at,
                what="ngày nhận",
                shown=received.show(),
            )
        returned_at = None
        if returned is not None:
            if ready is None:
                self.error(
                    n,
                    "returned_at",
                    f"có ngày trả nhưng {HEADERS['result_ready_at']} để trống; phải có kết quả rồi mới trả.",
                )
            elif ready_at is not None:
                returned_at = self.later_step(
                    n,
                    "returned_at",
                    returned,
                    closing,
                    after=ready_at,
                    what="ngày có kết quả",
                    shown=ready.show(),
                )
        if len(self.errors) > before:
            return None
        return received_at, due_at, ready_at, returned_at

    def not_future(self, n: int, key: str, moment: Moment, instant: dt.datetime) -> dt.datetime | None:
        """`instant`, which must not be after now; a date alone only must not be after today."""
        if moment.time is None:
            if moment.date > self.today:
                self.error(n, key, f"ngày {moment.show()} ở tương lai.")
                return None
            return min(instant, self.now)
        if instant > self.now:
            self.error(n, key, f"thời điểm {moment.show()} ở tương lai.")
            return None
        return instant

    def later_step(self, n, key, moment: Moment, closing: dt.time, *, after: dt.datetime, what: str, shown: str):
        if moment.time is None:
            if moment.date < after.astimezone(VN_TZ).date():
                self.error(n, key, f"{HEADERS[key].lower()} ({moment.show()}) trước {what} ({shown}).")
                return None
            instant = max(moment.at(closing), after)
        else:
            instant = moment.at(closing)
            if instant < after:
                self.error(n, key, f"{HEADERS[key].lower()} ({moment.show()}) trước {what} ({shown}).")
                return None
        return self.not_future(n, key, moment, instant)


def validate_book(book: TrackingBook, *, user, now: dt.datetime | None = None) -> list[PlannedDossier]:
    """Every row checked; raises DossierImportError listing all problems, else the plans."""
    check_user(user)
    validator = _RowValidator(book, user=user, now=now or timezone.now())
    plans = [plan for row in book.rows if (plan := validator.validate(row)) is not None]
    if validator.errors:
        raise DossierImportError(validator.errors)
    return plans
