"""Import a paper tracking book (Sổ theo dõi hồ sơ, Mẫu 06) from an Excel sheet, all or nothing.

`read_tracking_book` turns the first sheet of an .xlsx file into rows keyed by column key.
`import_dossiers` checks the user, validates every row and collects every problem; only when
the whole file is clean does it write, in one transaction, through the dossier services
(`dossier_receive`, `dossier_finish`, `dossier_return`), so that history and events are
attributed to the importing user. A code already in the database is skipped, so importing the
same file twice changes nothing. The layout and the rules are in docs/import-dossiers.md.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from accounts.scoping import sees_all_agencies, user_agency
from config.exceptions import ConflictError
from dossiers import services
from dossiers.deadlines import derive_schedule
from dossiers.models import Channel, Dossier, phone_validator
from procedures.calendar import VN_TZ
from procedures.models import Agency, Procedure

# The file format. Headers are part of the format: do not translate them.
COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã hồ sơ"),
    ("procedure_code", "Mã thủ tục"),
    ("agency", "Mã cơ quan"),
    ("applicant_name", "Người nộp"),
    ("applicant_phone", "Điện thoại"),
    ("applicant_address", "Địa chỉ"),
    ("received_at", "Ngày nhận"),
    ("due_at", "Hẹn trả"),
    ("result_ready_at", "Ngày có kết quả"),
    ("returned_at", "Ngày trả"),
    ("channel", "Kênh"),
    ("notes", "Ghi chú"),
]
HEADERS: dict[str, str] = dict(COLUMNS)
# Other names a header may have, besides its key and its Vietnamese header.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("Số biên nhận", "Mã số hồ sơ"),
    "procedure_code": ("Mã TTHC",),
    "agency": ("Cơ quan", "Cơ quan giải quyết"),
    "applicant_name": ("Người nộp hồ sơ", "Tên người nộp", "Tổ chức, cá nhân"),
    "applicant_phone": ("contact", "Số điện thoại", "Liên hệ"),
    "received_at": ("Ngày nhận hồ sơ", "Ngày tiếp nhận", "Thời điểm tiếp nhận"),
    "due_at": ("Ngày hẹn trả", "Hẹn trả kết quả", "Ngày hẹn trả kết quả"),
    "result_ready_at": ("Có kết quả", "Ngày có kết quả giải quyết"),
    "returned_at": ("Ngày trả kết quả", "Đã trả kết quả"),
    "channel": ("Kênh nộp", "Hình thức nộp"),
}
# Columns that must be in the file and filled in on every row ("agency" is decided per user).
REQUIRED_COLUMNS = (
    "code",
    "procedure_code",
    "applicant_name",
    "applicant_phone",
    "received_at",
    "channel",
)
MAX_ROWS = 20_000
MIN_YEAR = 2000  # an earlier year is a typo (the one-stop mechanism is younger than that)
DEFAULT_OPENING = dt.time(7, 0)
DEFAULT_CLOSING = dt.time(17, 0)

_TEXT_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
_CODE_MAX = Dossier._meta.get_field("code").max_length
_NAME_MAX = Dossier._meta.get_field("applicant_name").max_length
_ADDRESS_MAX = Dossier._meta.get_field("applicant_address").max_length


# --- errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: `row` is the Excel row (0 = the whole file), `column` a header."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return f"Dòng {self.row}, cột {self.column}: {self.message}"
        if self.row:
            return f"Dòng {self.row}: {self.message}"
        if self.column:
            return f"Cột {self.column}: {self.message}"
        return self.message


class DossierImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found, in row order."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda error: error.row)
        super().__init__("\n".join(str(error) for error in self.errors))

    @classmethod
    def whole_file(cls, message: str) -> DossierImportError:
        return cls([RowError(0, "", message)])


class _BadValue(Exception):
    """A cell that cannot be read; the message is shown after 'Dòng n, cột X: '."""


# --- reading ---------------------------------------------------------------------------------


def _fold(value: Any, *, drop_notes: bool = False) -> str:
    """Lower-case ASCII words, for matching what people type: 'Ngày nhận' -> 'ngay nhan'."""
    text = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    if drop_notes:
        text = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, header in COLUMNS:
        for name in (key, header, *HEADER_ALIASES.get(key, ())):
            folded = _fold(name)
            if lookup.setdefault(folded, key) != key:  # pragma: no cover - a bad edit above
                raise AssertionError(f"header {name!r} names two columns")
    return lookup


_HEADER_LOOKUP = _header_lookup()


@dataclass(frozen=True)
class DateCell:
    """An Excel date cell whose number format shows no time of day."""

    date: dt.date


@dataclass
class SheetRow:
    number: int  # the Excel row number, 2 for the first data row
    values: dict[str, Any]


@dataclass
class TrackingBook:
    rows: list[SheetRow]
    columns: set[str]
    ignored_headers: list[str] = field(default_factory=list)


def _has_time(number_format: str | None) -> bool:
    """Whether an Excel number format shows hours or seconds (quoted text and [..] ignored)."""
    if not number_format:
        return False
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format)
    return bool(re.search(r"[hHsS]", plain))


def _cell_value(cell) -> Any:
    value = cell.value
    if (
        isinstance(value, dt.datetime)
        and value.time() == dt.time(0, 0)
        and not _has_time(getattr(cell, "number_format", None))
    ):
        return DateCell(value.date())
    return value


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_tracking_book(path_or_file) -> TrackingBook:
    """The first sheet of an .xlsx tracking book: header on row 1, one dossier per row below."""
    if hasattr(path_or_file, "read"):
        opener = nullcontext(path_or_file)  # the caller's file object: do not close it
    else:
        try:
            opener = open(path_or_file, "rb")  # noqa: SIM115 - closed by the `with` below
        except FileNotFoundError as exc:
            raise DossierImportError.whole_file(f"không tìm thấy tệp '{path_or_file}'.") from exc
        except OSError as exc:
            raise DossierImportError.whole_file(f"không mở được tệp '{path_or_file}': {exc.strerror or exc}.") from exc
    try:
        with opener as handle:
            signature = handle.read(8)
            handle.seek(0)
            if signature.startswith(b"\xd0\xcf\x11\xe0"):
                raise DossierImportError.whole_file(
                    "tệp là định dạng Excel 97–2003 (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx."
                )
            if not signature.startswith(b"PK"):
                raise _not_xlsx()
            workbook = load_workbook(handle, read_only=True, data_only=True)
            try:
                return _read_sheet(workbook)
            finally:
                workbook.close()
    except DossierImportError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not xlsx
        raise _not_xlsx() from exc


def _not_xlsx() -> DossierImportError:
    return DossierImportError.whole_file(
        "tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng; hãy mở bằng Excel và lưu lại "
        "dạng 'Excel Workbook (.xlsx)'."
    )


def _read_sheet(workbook) -> TrackingBook:
    if not workbook.worksheets:
        raise DossierImportError.whole_file("tệp không có trang tính nào.")
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # files not written by Excel often carry wrong dimensions
    lines = sheet.iter_rows()
    header = [cell.value for cell in next(lines, ())]
    columns, ignored = _map_header(header)

    rows: list[SheetRow] = []
    for number, cells in enumerate(lines, start=2):
        values = {key: (_cell_value(cells[i]) if i < len(cells) else None) for i, key in columns.items()}
        if all(_is_empty(value) for value in values.values()):
            continue
        if len(rows) == MAX_ROWS:
            limit = f"{MAX_ROWS:,}".replace(",", ".")
            raise DossierImportError.whole_file(
                f"tệp có nhiều hơn {limit} dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn."
            )
        rows.append(SheetRow(number, values))
    return TrackingBook(rows=rows, columns=set(columns.values()), ignored_headers=ignored)


def _map_header(header: list) -> tuple[dict[int, str], list[str]]:
    """Column index -> key, and the headers that name no column (they are ignored)."""
    columns: dict[int, str] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        if _is_empty(cell):
            continue
        title = unicodedata.normalize("NFC", str(cell)).strip()
        key = _HEADER_LOOKUP.get(_fold(title, drop_notes=True))
        if key is None:
            ignored.append(title)
        elif key in columns.values():
            errors.append(RowError(1, title, f"cột {HEADERS[key]} bị lặp lại."))
        else:
            columns[index] = key
    if not columns and not errors:
        raise DossierImportError.whole_file(
            "dòng 1 phải là dòng tiêu đề (Mã hồ sơ, Mã thủ tục, Người nộp, …) nhưng không có tên cột nào nhận ra được."
        )
    errors.extend(
        RowError(1, HEADERS[key], "thiếu cột bắt buộc.") for key in REQUIRED_COLUMNS if key not in columns.values()
    )
    if errors:
        raise DossierImportError(errors)
    return columns, ignored


# --- cell parsing ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, DateCell):
        return f"{value.date:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


@dataclass(frozen=True)
class Moment:
    """A cell read as a local date, with the time of day when the cell gives one."""

    date: dt.date
    time: dt.time | None

    def at(self, default: dt.time) -> dt.datetime:
        return dt.datetime.combine(self.date, self.time or default, tzinfo=VN_TZ)

    def show(self) -> str:
        return f"{self.date:%d/%m/%Y}" + (f" {self.time:%H:%M}" if self.time else "")


def parse_moment(value: Any) -> Moment | None:
    """An Excel date/datetime cell, or text 'dd/mm/yyyy HH:MM' or 'dd/mm/yyyy'; None if empty."""
    if _is_empty(value):
        return None
    if isinstance(value, DateCell):
        moment = Moment(value.date, None)
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VN_TZ).replace(tzinfo=None)
        # Excel stores times as fractions of a day: round away the floating-point noise.
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        moment = Moment(value.date(), value.time())
    elif isinstance(value, dt.date):
        moment = Moment(value, None)
    elif isinstance(value, str):
        moment = _parse_text_moment(value)
    else:
        raise _BadValue(
            f"'{_text(value)}' không phải ngày; nhập ô kiểu ngày của Excel hoặc chữ dạng "
            "dd/mm/yyyy HH:MM hay dd/mm/yyyy."
        )
    if moment.date.year < MIN_YEAR:
        raise _BadValue(f"năm {moment.date.year} không hợp lệ (ngày {moment.show()}).")
    return moment


def _parse_text_moment(value: str) -> Moment:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()
    for pattern in _TEXT_DATE_FORMATS:
        try:
            # The parsed value is a local wall-clock time; the zone is attached by `Moment.at`.
            parsed = dt.datetime.strptime(text, pattern)  # noqa: DTZ007
        except ValueError:
            continue
        return Moment(parsed.date(), parsed.time())
    try:
        return Moment(dt.datetime.strptime(text, "%d/%m/%Y").date(), None)  # noqa: DTZ007
    except ValueError:
        pass
    raise _BadValue(f"'{text}' không phải ngày hợp lệ; dùng dạng dd/mm/yyyy HH:MM hoặc dd/mm/yyyy.")


def normalise_phone(value: Any) -> str:
    """A Vietnamese phone number as digits with a leading 0; spaces, dots and dashes dropped.

    A number cell has lost its leading 0 (912345678 -> 0912345678); +84 / 84 becomes 0.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        if len(digits) in (9, 10) and not digits.startswith("84"):
            digits = "0" + digits
    else:
        digits = re.sub(r"[\s.\-()/]", "", _text(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    try:
        phone_validator(digits)
    except ValidationError:
        raise _BadValue(f"'{_text(value)}' không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912 345 678).") from None
    return digits


_CHANNELS = (
    {_fold(choice.value): choice.value for choice in Channel}
    | {_fold(choice.label): choice.value for choice in Channel}
    | {_fold("Dịch vụ bưu chính"): Channel.POST.value, _fold("Qua bưu chính"): Channel.POST.value}
)


def parse_channel(value: Any) -> str:
    try:
        return _CHANNELS[_fold(_text(value))]
    except KeyError:
        raise _BadValue(
            f"không nhận ra kênh '{_text(value)}'; dùng counter/post/online hoặc Trực tiếp/Bưu chính/Trực tuyến."
        ) from None


# --- validation ------------------------------------------------------------------------------


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


@dataclass
class ImportResult:
    imported: int = 0
    finished: int = 0
    finished_late: int = 0  # result ready after the due instant
    returned: int = 0
    skipped_existing: list[tuple[int, str]] = field(default_factory=list)  # (row, code)
    dry_run: bool = False

    @property
    def skipped(self) -> int:
        return len(self.skipped_existing)


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


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_codes(codes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(codes))):
        found.update(Dossier.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


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


def _message(exc: Exception) -> str:
    if isinstance(exc, IntegrityError):
        return "hồ sơ vừa được ghi cùng lúc từ nơi khác (trùng mã); hãy chạy lại lệnh nhập."
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def import_dossiers(
    book: TrackingBook,
    *,
    user,
    dry_run: bool = False,
    progress: Callable[[list[PlannedDossier]], Iterable[PlannedDossier]] | None = None,
) -> ImportResult:
    """Validate every row, then write all new dossiers in one transaction (or nothing).

    A code already in the database is skipped. `progress` may wrap the rows being written
    (a progress bar). Raises DossierImportError with every problem found.
    """
    plans = validate_book(book, user=user)
    result = ImportResult(dry_run=dry_run)
    if dry_run:
        present = existing_codes(plan.code for plan in plans)
        for plan in plans:
            if plan.code in present:
                result.skipped_existing.append((plan.row, plan.code))
            else:
                _count(result, plan, plan.due_at or _computed_due(plan))
        return result

    with transaction.atomic():
        present = existing_codes(plan.code for plan in plans)
        for plan in (progress or iter)(plans):
            if plan.code in present:
                result.skipped_existing.append((plan.row, plan.code))
                continue
            try:
                dossier = _write(plan, user)
            except (ValidationError, PermissionDenied, ConflictError, IntegrityError) as exc:
                # Rolls the whole transaction back: nothing of the file is kept.
                raise DossierImportError([RowError(plan.row, "", _message(exc))]) from exc
            _count(result, plan, dossier.due_at)
    return result


def _count(result: ImportResult, plan: PlannedDossier, due_at: dt.datetime) -> None:
    result.imported += 1
    if plan.result_ready_at is not None:
        result.finished += 1
        result.finished_late += plan.result_ready_at > due_at
    result.returned += plan.returned_at is not None


def _computed_due(plan: PlannedDossier) -> dt.datetime:
    """The due instant `dossier_receive` will compute for a row without one."""
    events = [("received", plan.received_at, {})]
    procedure = plan.procedure
    return derive_schedule(procedure=procedure, agency=procedure.agency, events=events).due_at


def _write(plan: PlannedDossier, user) -> Dossier:
    dossier = services.dossier_receive(
        procedure=plan.procedure,
        actor=user,
        code=plan.code,
        applicant_name=plan.applicant_name,
        applicant_phone=plan.applicant_phone,
        applicant_address=plan.applicant_address,
        channel=plan.channel,
        notes=plan.notes,
        received_at=plan.received_at,
        original_due_at=plan.due_at,
    )
    if plan.result_ready_at is not None:
        dossier = services.dossier_finish(dossier=dossier, actor=user, at=plan.result_ready_at, draft_apology=False)
    if plan.returned_at is not None:
        dossier = services.dossier_return(dossier=dossier, actor=user, at=plan.returned_at)
    return dossier
