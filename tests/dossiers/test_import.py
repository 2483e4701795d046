"""`manage.py import_dossiers`: a paper tracking book (Mẫu 06) from .xlsx, all or nothing.

Time is frozen at Wed 25/11/2026 09:00 +07:00 (tests/conftest.py). Tue 24/11/2026 is a day off in
`holidays.VN` (Ngày Văn hóa Việt Nam), so due instants computed over it skip that day.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook
from rest_framework.test import APIClient

from dossiers import importing
from dossiers.importing import normalise_phone, parse_channel, parse_moment
from dossiers.models import Dossier, DossierEvent, Status
from procedures.calendar import VN_TZ
from tests import factories

HEADER = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Mã cơ quan",
    "Người nộp",
    "Điện thoại",
    "Địa chỉ",
    "Ngày nhận",
    "Hẹn trả",
    "Ngày có kết quả",
    "Ngày trả",
    "Kênh",
    "Ghi chú",
]
KEYS = [key for key, _header in importing.COLUMNS]


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


def wall(*args) -> dt.datetime:
    """A naive local date and time, as an Excel cell holds it."""
    return at(*args).replace(tzinfo=None)


def row(procedure, **values) -> dict:
    base = {
        "code": "SO-0001",
        "procedure_code": procedure.code,
        "applicant_name": "Lê Thị Mai",
        "applicant_phone": "0987654321",
        "received_at": "20/11/2026 08:30",
        "channel": "Trực tiếp",
    }
    return base | values


def make_book(tmp_path, rows: list[dict], *, header=HEADER, name="so-theo-doi.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(key) for key in KEYS[: len(header)]])
    path = tmp_path / name
    workbook.save(path)
    return path


def run(path, user, *extra) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_dossiers", str(path), "--user", user.username, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, username, *extra) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_dossiers",
            str(path),
            "--user",
            username,
            *extra,
            stdout=io.StringIO(),
            stderr=err,
        )
    return str(excinfo.value), err.getvalue()


@pytest.fixture
def good_rows(procedure, agency):
    return [
        # Friday 08:30 as text; finished Monday (a datetime cell); returned Monday (a date alone).
        row(
            procedure,
            code="SO-0001",
            received_at="20/11/2026 08:30",
            result_ready_at=wall(2026, 11, 23, 15, 0),
            returned_at="23/11/2026",
            applicant_address="12 Lê Lợi, Bình Minh",
            notes="Sổ giấy quyển 3",
        ),
        # Monday 14:15 (Excel datetime cell), with the due date written on the paper receipt.
        row(
            procedure,
            code="SO-0002",
            agency=agency.code,
            received_at=wall(2026, 11, 2, 14, 15),
            due_at="06/11/2026",
            applicant_phone="091 234.5678",
            channel="Trực tuyến",
        ),
        # Monday as an Excel date cell (no time), phone typed as a number (leading 0 lost), by post.
        row(
            procedure,
            code="SO-0003",
            received_at=dt.date(2026, 11, 23),
            applicant_phone=987654321,
            channel="BƯU CHÍNH",
        ),
    ]


def test_good_file_imports_with_exact_instants(tmp_path, head, good_rows):
    out, _err = run(make_book(tmp_path, good_rows), head)

    assert Dossier.objects.count() == 3
    first = Dossier.objects.get(code="SO-0001")
    assert first.received_at == at(2026, 11, 20, 8, 30)
    assert first.due_at == at(2026, 11, 30, 8, 30)  # computed: 5 working days, 24/11 off
    assert first.result_ready_at == at(2026, 11, 23, 15, 0)
    assert first.returned_at == at(2026, 11, 23, 17, 0)  # a date alone: the close of office hours
    assert first.status == Status.RETURNED
    assert first.applicant_address == "12 Lê Lợi, Bình Minh"
    assert first.notes == "Sổ giấy quyển 3"
    assert first.channel == "counter"
    assert list(first.events.values_list("type", "at")) == [
        ("received", at(2026, 11, 20, 8, 30)),
        ("result_ready", at(2026, 11, 23, 15, 0)),
        ("returned", at(2026, 11, 23, 17, 0)),
    ]

    second = Dossier.objects.get(code="SO-0002")
    assert second.received_at == at(2026, 11, 2, 14, 15)
    assert second.due_at == at(2026, 11, 6, 17, 0)  # kept from the file (computed: 09/11 14:15)
    assert second.due_date == dt.date(2026, 11, 6)
    assert second.applicant_phone == "0912345678"
    assert second.channel == "online"
    assert second.status == Status.IN_PROGRESS
    assert second.result_ready_at is None

    third = Dossier.objects.get(code="SO-0003")
    assert third.received_at == at(2026, 11, 23, 7, 0)  # a date alone: the opening of office hours
    assert third.due_at == at(2026, 11, 30, 17, 0)
    assert third.applicant_phone == "0987654321"
    assert third.channel == "post"

    assert "Đã nhập mới: 3 hồ sơ" in out
    assert "đã có kết quả: 1 (quá hạn: 0), đã trả kết quả: 1" in out
    assert "Bỏ qua (đã có): 0 hồ sơ" in out


def test_due_instant_kept_from_file_or_computed(tmp_path, head, procedure):
    rows = [
        row(procedure, code="A", received_at="23/11/2026 10:00", due_at="27/11/2026 09:30"),
        row(procedure, code="B", received_at="23/11/2026 10:00"),
    ]
    run(make_book(tmp_path, rows), head)

    assert Dossier.objects.get(code="A").due_at == at(2026, 11, 27, 9, 30)
    assert Dossier.objects.get(code="B").due_at == at(2026, 12, 1, 10, 0)  # computed, 24/11 off
    # The kept due instant survives the re-derivation that every later step does.
    event = DossierEvent.objects.get(dossier__code="A", type="received")
    assert event.payload == {"due_at": "2026-11-27T09:30:00+07:00"}


def test_second_run_imports_nothing_new(tmp_path, head, good_rows):
    path = make_book(tmp_path, good_rows)
    run(path, head)
    dossiers, events = Dossier.objects.count(), DossierEvent.objects.count()
    history = Dossier.history.count()

    out, _err = run(path, head)

    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (dossiers, events)
    assert Dossier.history.count() == history
    assert "Đã nhập mới: 0 hồ sơ" in out
    assert "Bỏ qua (đã có): 3 hồ sơ" in out
    assert "Dòng 2: hồ sơ SO-0001 đã có" in out


def test_code_already_in_database_is_skipped(tmp_path, head, procedure):
    existing = factories.receive_dossier(procedure=procedure, actor=head, code="SO-0001")
    rows = [
        row(procedure, code="SO-0001", applicant_name="Người khác"),
        row(procedure, code="SO-0002"),
    ]

    out, _err = run(make_book(tmp_path, rows), head)

    existing.refresh_from_db()
    assert existing.applicant_name == "Nguyễn Văn Hùng"  # untouched
    assert Dossier.objects.filter(code="SO-0002").exists()
    assert "Đã nhập mới: 1 hồ sơ" in out
    assert "Dòng 2: hồ sơ SO-0001 đã có" in out


def test_one_bad_row_writes_nothing(tmp_path, head, procedure, good_rows):
    factories.receive_dossier(procedure=procedure, actor=head)
    before = (Dossier.objects.count(), DossierEvent.objects.count(), Dossier.history.count())
    rows = [*good_rows, row(procedure, code="SO-0004", received_at="31/11/2026")]

    message, err = run_failing(make_book(tmp_path, rows), head.username)

    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Dossier.history.count(),
    ) == before
    assert "Dòng 5, cột Ngày nhận: '31/11/2026' không phải ngày hợp lệ" in err
    assert message == "Có 1 lỗi trong tệp 'so-theo-doi.xlsx'; không có hồ sơ nào được ghi."


def test_every_error_is_reported_with_row_and_column(tmp_path, head, procedure):
    rows = [
        row(procedure, code="OK-1"),  # row 2, valid
        row(procedure, code="E3", procedure_code="9.999999"),
        row(procedure, code="E4", received_at="hôm qua"),
        row(procedure, code="E5", returned_at="24/11/2026 10:00"),
        row(procedure, code="E6", result_ready_at="19/11/2026 16:00"),
        row(procedure, code="E7", due_at="19/11/2026"),
        row(procedure, code="E8", applicant_phone="12345"),
        row(procedure, code="E9", channel="fax"),
        row(procedure, code="OK-1"),
        row(procedure, code="E11", received_at="26/11/2026 08:00"),
        row(procedure, code="E12", received_at=None, applicant_name=""),
        row(procedure, code="E13", received_at="25/11/2026 09:30"),  # later today
    ]

    message, err = run_failing(make_book(tmp_path, rows), head.username)

    lines = err.splitlines()
    expected = [
        f"Dòng 3, cột Mã thủ tục: cơ quan {procedure.agency.code} không có thủ tục mã '9.999999'.",
        "Dòng 4, cột Ngày nhận: 'hôm qua' không phải ngày hợp lệ; dùng dạng dd/mm/yyyy HH:MM hoặc dd/mm/yyyy.",
        "Dòng 5, cột Ngày trả: có ngày trả nhưng Ngày có kết quả để trống; phải có kết quả rồi mới trả.",
        "Dòng 6, cột Ngày có kết quả: ngày có kết quả (19/11/2026 16:00) trước ngày nhận (20/11/2026 08:30).",
        "Dòng 7, cột Hẹn trả: hẹn trả (19/11/2026) trước ngày nhận (20/11/2026 08:30).",
        "Dòng 8, cột Điện thoại: '12345' không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912 345 678).",
        "Dòng 9, cột Kênh: không nhận ra kênh 'fax'; dùng counter/post/online hoặc Trực tiếp/Bưu chính/Trực tuyến.",
        "Dòng 10, cột Mã hồ sơ: mã hồ sơ 'OK-1' trùng với dòng 2.",
        "Dòng 11, cột Ngày nhận: thời điểm 26/11/2026 08:00 ở tương lai.",
        "Dòng 12, cột Người nộp: bắt buộc, đang để trống.",
        "Dòng 12, cột Ngày nhận: bắt buộc, đang để trống.",
        "Dòng 13, cột Ngày nhận: thời điểm 25/11/2026 09:30 ở tương lai.",
    ]
    assert lines == expected
    assert message.startswith(f"Có {len(expected)} lỗi")
    assert Dossier.objects.count() == 0


def test_user_without_backdate_permission_is_refused(tmp_path, officer, good_rows):
    message, _err = run_failing(make_book(tmp_path, good_rows), officer.username)

    assert message == (
        "Tài khoản 'motcua' không có quyền nhập hồ sơ giấy với thời điểm trong quá khứ "
        "(dossiers.backdate_dossier). Không có hồ sơ nào được ghi."
    )
    assert Dossier.objects.count() == 0


def test_user_without_intake_permission_is_refused_before_reading(tmp_path, agency):
    from accounts.roles import SPECIALIST

    specialist = factories.staff(agency=agency, roles=[SPECIALIST], username="chuyenvien")
    message, _err = run_failing(tmp_path / "chua-co.xlsx", specialist.username)

    assert message.startswith("Tài khoản 'chuyenvien' không có quyền tiếp nhận hồ sơ.")
    assert message.endswith("Không có hồ sơ nào được ghi.")


def test_unknown_user(tmp_path, db):
    message, _err = run_failing(tmp_path / "x.xlsx", "khong-co")
    assert message == "Không có người dùng 'khong-co'."


def test_not_an_xlsx_file(tmp_path, head):
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"Ma ho so;Ma thu tuc\nSO-1;1.000001\n")

    message, err = run_failing(path, head.username)

    assert "tệp không phải tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng" in err
    assert message.startswith("Có 1 lỗi trong tệp 'so.xlsx'")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "định dạng Excel 97–2003 (.xls)"),
        (b"PK\x03\x04 broken zip", "tệp không phải tệp Excel (.xlsx) hợp lệ"),
        (b"", "tệp không phải tệp Excel (.xlsx) hợp lệ"),
    ],
)
def test_damaged_or_old_files(tmp_path, head, content, expected):
    path = tmp_path / "so.xlsx"
    path.write_bytes(content)
    _message, err = run_failing(path, head.username)
    assert expected in err


def test_missing_file(tmp_path, head):
    _message, err = run_failing(tmp_path / "khong-co.xlsx", head.username)
    assert "không tìm thấy tệp" in err


def test_events_and_history_are_attributed_to_the_importing_user(tmp_path, head, good_rows):
    run(make_book(tmp_path, good_rows), head)

    assert DossierEvent.objects.count() == 5  # 3 received, 1 result ready, 1 returned
    assert set(DossierEvent.objects.values_list("actor", flat=True)) == {head.pk}
    for dossier in Dossier.objects.all():
        assert dossier.received_by == head
        assert dossier.history.first().history_user == head
        assert {record.history_user for record in dossier.history.all()} == {head}


def test_dry_run_writes_nothing(tmp_path, head, good_rows):
    out, _err = run(make_book(tmp_path, good_rows), head, "--dry-run")

    assert Dossier.objects.count() == 0
    assert "Chạy thử (--dry-run)" in out
    assert "Sẽ nhập mới: 3 hồ sơ" in out
    assert "đã có kết quả: 1 (quá hạn: 0), đã trả kết quả: 1" in out


def test_headers_by_key_or_vietnamese_in_any_case(tmp_path, head, procedure):
    header = [
        "CODE",
        "mã thủ tục",
        "Agency",
        "NGƯỜI NỘP",
        "contact",
        "Applicant_Address",
        "Ngay nhan",
        "due_at (nếu có)",
        "Result_Ready_At",
        "ngày trả",
        "kênh",
        "NOTES",
    ]
    path = make_book(tmp_path, [row(procedure, code="K-1")], header=[*header, "STT"])

    out, _err = run(path, head)

    assert Dossier.objects.get(code="K-1").received_at == at(2026, 11, 20, 8, 30)
    assert "Bỏ qua các cột không dùng: STT" in out


def test_missing_required_column(tmp_path, head, procedure):
    path = make_book(tmp_path, [row(procedure)], header=HEADER[:4])

    _message, err = run_failing(path, head.username)

    assert err.splitlines() == [
        "Dòng 1, cột Điện thoại: thiếu cột bắt buộc.",
        "Dòng 1, cột Ngày nhận: thiếu cột bắt buộc.",
        "Dòng 1, cột Kênh: thiếu cột bắt buộc.",
    ]


def test_too_many_rows(tmp_path, head, procedure, monkeypatch):
    monkeypatch.setattr(importing.layout, "MAX_ROWS", 2)
    rows = [row(procedure, code=f"N-{n}") for n in range(3)]

    _message, err = run_failing(make_book(tmp_path, rows), head.username)

    assert "tệp có nhiều hơn 2 dòng dữ liệu" in err


def test_agency_of_another_office_is_refused(tmp_path, head, procedure):
    other = factories.ProcedureFactory()
    rows = [row(procedure, code="A-1"), row(other, code="A-2", agency=other.agency.code)]

    _message, err = run_failing(make_book(tmp_path, rows), head.username)

    assert err.splitlines() == [
        f"Dòng 3, cột Mã cơ quan: tài khoản không được nhập hồ sơ của cơ quan {other.agency.code}."
    ]


def test_province_wide_account_names_the_agency(tmp_path, admin_user, procedure):
    rows = [row(procedure, code="P-1", agency=procedure.agency.code.lower())]
    run(make_book(tmp_path, rows), admin_user)
    assert Dossier.objects.get(code="P-1").agency == procedure.agency

    rows = [row(procedure, code="P-2")]
    _message, err = run_failing(make_book(tmp_path, rows, name="b.xlsx"), admin_user.username)
    assert err.splitlines() == ["Dòng 2, cột Mã cơ quan: bắt buộc vì tài khoản không thuộc riêng một cơ quan."]


def test_date_only_steps_today_are_not_put_in_the_future(tmp_path, head, procedure):
    rows = [
        row(
            procedure,
            code="T-1",
            received_at="25/11/2026",
            result_ready_at="25/11/2026",
            returned_at="25/11/2026",
        )
    ]
    run(make_book(tmp_path, rows), head)

    dossier = Dossier.objects.get(code="T-1")
    assert dossier.received_at == at(2026, 11, 25, 7, 0)
    assert dossier.result_ready_at == at(2026, 11, 25, 9, 0)  # 17:00 would be after now
    assert dossier.returned_at == at(2026, 11, 25, 9, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        (912345678, "0912345678"),
        (912345678.0, "0912345678"),
        ("024 3825 1234", "02438251234"),
        ("(024) 3825-1234", "02438251234"),
        (2438251234, "02438251234"),
    ],
)
def test_normalise_phone(value, expected):
    assert normalise_phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "0912 345 67", "abc", "0112345678"])
def test_bad_phone(value):
    with pytest.raises(importing._BadValue):
        normalise_phone(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("counter", "counter"),
        ("Trực tiếp", "counter"),
        ("bưu chính", "post"),
        ("POST", "post"),
        ("Trực tuyến", "online"),
        ("truc tuyen", "online"),
    ],
)
def test_parse_channel(value, expected):
    assert parse_channel(value) == expected


def test_parse_moment():
    assert parse_moment("5/1/2026 7:05").at(dt.time(17)) == at(2026, 1, 5, 7, 5)
    assert parse_moment(" 05/01/2026 ").at(dt.time(17)) == at(2026, 1, 5, 17, 0)
    assert parse_moment("05/01/2026 07:05:30").at(dt.time(17)) == at(2026, 1, 5, 7, 5, 30)
    assert parse_moment(wall(2026, 1, 5, 7, 4, 59, 999_600)).at(dt.time(17)) == at(2026, 1, 5, 7, 5)
    assert parse_moment(None) is None
    for bad in ("2026-01-05", "05/01/26", "32/01/2026", "05/01/1026", 46000):
        with pytest.raises(importing._BadValue):
            parse_moment(bad)


@pytest.mark.parametrize("dry_run", [False, True])
def test_late_results_are_counted(tmp_path, head, procedure, dry_run):
    rows = [
        # Due kept from the file (06/11 17:00), result on 10/11: late.
        row(
            procedure,
            code="L-1",
            received_at="02/11/2026 08:00",
            due_at="06/11/2026",
            result_ready_at="10/11/2026 10:00",
            returned_at="11/11/2026 08:00",
        ),
        # Due computed (09/11 08:00), result the same morning: not late.
        row(procedure, code="L-2", received_at="02/11/2026 08:00", result_ready_at="09/11/2026 07:30"),
        # Due computed (09/11 08:00), result after it: late.
        row(procedure, code="L-3", received_at="02/11/2026 08:00", result_ready_at="09/11/2026"),
    ]
    out, _err = run(make_book(tmp_path, rows), head, *(["--dry-run"] if dry_run else []))

    assert "trong đó đã có kết quả: 3 (quá hạn: 2), đã trả kết quả: 1" in out
    if not dry_run:
        late = Dossier.objects.get(code="L-1")
        assert late.status == Status.RETURNED
        assert late.classify(at(2026, 11, 25, 9, 0)) == "late"
        assert Dossier.objects.get(code="L-2").classify(at(2026, 11, 25, 9, 0)) == "on_time"


def test_a_failed_import_gives_its_reserved_book_lines_back(tmp_path, head, procedure):
    """The import reserves its tracking-book lines before writing; failing, it returns them."""
    other = factories.ProcedureFactory()
    other_head = factories.staff(agency=other.agency, roles=["Lãnh đạo"], username="lanhdao2")
    rows = [row(procedure, code=f"SO-{n:04d}") for n in (1, 2, 3)]

    def progress(plans):
        for i, plan in enumerate(plans):
            if i == 2:  # the last code is taken (by another agency) while the import writes
                factories.receive_dossier(procedure=other, actor=other_head, code="SO-0003")
            yield plan

    book = importing.read_tracking_book(make_book(tmp_path, rows))
    with pytest.raises(importing.DossierImportError) as failed:
        importing.import_dossiers(book, user=head, progress=progress)
    assert failed.value.errors[0].row == 4 and failed.value.notes == []
    assert not Dossier.objects.filter(code__in=["SO-0001", "SO-0002"]).exists()
    assert factories.receive_dossier(procedure=procedure, actor=head).book_line == 1  # no gap



def test_codes_a_url_cannot_carry_are_refused_with_their_row(tmp_path, head, procedure):
    """`SGDDT/2026/0001` or `<b>SG</b>#1` would be stored, then 404 on their page and a 500 on
    every list linking to them."""
    rows = [
        row(procedure, code="SGDDT/2026/0001"),
        row(procedure, code="<b>SG</b>#1"),
        row(procedure, code="SO 3"),
        row(procedure, code="000.00.12.H54-261120-0001"),
    ]
    message, err = run_failing(make_book(tmp_path, rows), head.username)

    rule = (
        "chỉ được gồm chữ cái không dấu, chữ số và các ký tự . _ - (không có /, #, dấu cách), "
        "bắt đầu bằng chữ hoặc số."
    )
    assert err.splitlines() == [
        f"Dòng 2, cột Mã hồ sơ: mã hồ sơ 'SGDDT/2026/0001' {rule}",
        f"Dòng 3, cột Mã hồ sơ: mã hồ sơ '<b>SG</b>#1' {rule}",
        f"Dòng 4, cột Mã hồ sơ: mã hồ sơ 'SO 3' {rule}",
    ]
    assert message.startswith("Có 3 lỗi")
    assert Dossier.objects.count() == 0


def test_a_dotted_code_is_imported_and_reachable(tmp_path, head, procedure, client):
    code = "000.00.12.H54-261120-0001"
    run(make_book(tmp_path, [row(procedure, code=code)]), head)

    client.force_login(head)
    assert client.get(f"/ho-so/{code}/").status_code == 200
    api = APIClient()
    api.force_authenticate(head)
    assert api.get(f"/api/v1/dossiers/{code}/").json()["code"] == code


@pytest.mark.parametrize("code", ["SGDDT/2026/0001", "<b>SG</b>#1", "SO 1", "-SO", "SO%1", "SỐ-1"])
def test_the_model_refuses_a_code_a_url_cannot_carry(code, procedure, head):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        factories.receive_dossier(procedure=procedure, actor=head, code=code)
    assert "Mã hồ sơ chỉ gồm chữ cái không dấu" in str(excinfo.value)
    assert Dossier.objects.count() == 0
