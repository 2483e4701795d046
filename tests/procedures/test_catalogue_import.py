"""Catalogue import/export: all-or-nothing, idempotent, row/column error messages, round trip."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from procedures.catalogue import (
    CATALOGUE_COLUMNS,
    CatalogueError,
    RowError,
    catalogue_upsert,
    read_catalogue_json,
    read_catalogue_xlsx,
    write_catalogue_xlsx,
)
from procedures.catalogue.layout import MAX_ROWS
from procedures.models import Field, Procedure
from tests import factories

HEADER = [header for _key, header in CATALOGUE_COLUMNS]
KEYS = [key for key, _header in CATALOGUE_COLUMNS]


def col(key: str) -> int:
    return KEYS.index(key)


def good_rows(agency_code: str = "SGDDT") -> list[list]:
    """Three procedures in two fields, written the way a clerk would type them."""
    return [
        [
            agency_code,
            "VBCC",
            "Văn bằng, chứng chỉ",
            "3.000465",
            "Cấp bản sao văn bằng từ sổ gốc",
            1,
            "ngày làm việc",
            "toàn trình",
            "",
            "",
            "Không",
            "Đơn đề nghị\nBản sao căn cước công dân",
            "Nghị định 23/2015/NĐ-CP",
            "có",
            "không",
            "",
        ],
        [
            agency_code,
            "VBCC",
            "Văn bằng, chứng chỉ",
            "1.005092",
            "Chỉnh sửa nội dung văn bằng",
            5,
            "working_days",
            3,
            "pause",
            3,
            "",
            "Đơn đề nghị",
            "",
            "x",
            "",
            "",
        ],
        [
            agency_code,
            "GDTX",
            "Giáo dục thường xuyên",
            "2.001",
            "Cho phép trung tâm hoạt động",
            20,
            "ngày",
            "một phần",
            "restart",
            10,
            "500.000 đồng",
            "",
            "",
            "không",
            "có",
            "Chưa đối chiếu thời hạn",
        ],
    ]


def write_xlsx(path, rows, header=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def import_xlsx(path, **kwargs):
    return catalogue_upsert(rows=read_catalogue_xlsx(path), **kwargs)


def db_state() -> tuple[int, ...]:
    return (
        Procedure.objects.count(),
        Field.objects.count(),
        Procedure.history.count(),
        Field.history.count(),
    )


@pytest.fixture
def sgd(db):
    return factories.AgencyFactory(code="SGDDT")


# --- a good file -------------------------------------------------------------------------------


def test_good_file_creates_fields_and_procedures(sgd, tmp_path):
    result = import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows()))

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.fields_created == 2
    assert dict(Field.objects.values_list("code", "name")) == {
        "VBCC": "Văn bằng, chứng chỉ",
        "GDTX": "Giáo dục thường xuyên",
    }
    first = Procedure.objects.get(code="3.000465")
    assert first.agency == sgd
    assert first.field.code == "VBCC"
    assert first.name == "Cấp bản sao văn bằng từ sổ gốc"
    assert (first.processing_amount, first.processing_unit, first.online_level) == (
        1,
        "working_days",
        4,
    )
    assert first.supplement_policy == "restart"  # empty cell -> default
    assert first.apology_extension_days == 5  # empty cell -> default
    assert first.required_documents_list == ["Đơn đề nghị", "Bản sao căn cước công dân"]
    assert first.legal_basis == "Nghị định 23/2015/NĐ-CP"
    assert first.is_active is True and first.needs_verification is False

    second = Procedure.objects.get(code="1.005092")
    assert (second.online_level, second.supplement_policy, second.apology_extension_days) == (
        3,
        "pause",
        3,
    )
    assert second.fee == ""
    assert second.is_active is True  # "x"

    third = Procedure.objects.get(code="2.001")
    assert (third.processing_amount, third.processing_unit, third.online_level) == (
        20,
        "calendar_days",
        3,
    )
    assert third.field.name == "Giáo dục thường xuyên"
    assert third.fee == "500.000 đồng"
    assert third.is_active is False and third.needs_verification is True
    assert third.verification_note == "Chưa đối chiếu thời hạn"


def test_second_run_changes_nothing(sgd, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    import_xlsx(path)
    before = db_state()

    result = import_xlsx(path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (result.fields_created, result.fields_updated) == (0, 0)
    assert db_state() == before


def test_update_changes_only_the_changed_procedure(sgd, tmp_path):
    import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows()))
    history_before = Procedure.history.count()
    rows = good_rows()
    rows[1][col("processing_amount")] = 7  # 1.005092: 5 -> 7 working days

    result = import_xlsx(write_xlsx(tmp_path / "c2.xlsx", rows))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Procedure.objects.get(code="1.005092").processing_amount == 7
    assert Procedure.history.count() == history_before + 1
    assert Procedure.history.latest("history_date").code == "1.005092"


def test_field_renamed_when_its_name_differs(sgd, tmp_path):
    field = factories.FieldFactory(agency=sgd, code="VBCC", name="Văn bằng")
    result = import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows()))

    field.refresh_from_db()
    assert field.name == "Văn bằng, chứng chỉ"
    assert (result.fields_created, result.fields_updated) == (1, 1)
    assert Procedure.objects.get(code="3.000465").field == field


def test_existing_procedure_moves_to_another_field(sgd, tmp_path):
    procedure = factories.ProcedureFactory(field__agency=sgd, field__code="OLD", code="2.001")
    import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows()))

    procedure.refresh_from_db()
    assert procedure.field.code == "GDTX"
    assert Procedure.objects.filter(code="2.001").count() == 1


def test_columns_missing_from_the_file_keep_stored_values(sgd, tmp_path):
    factories.ProcedureFactory(
        field__agency=sgd,
        field__code="VBCC",
        field__name="Văn bằng, chứng chỉ",
        code="1.005092",
        name="Tên cũ",
        processing_amount=5,
        online_level=3,
        fee="100.000 đồng",
        is_active=False,
    )
    header = HEADER[:8]
    row = good_rows()[1][:8]

    result = import_xlsx(write_xlsx(tmp_path / "c.xlsx", [row], header=header))

    procedure = Procedure.objects.get(code="1.005092")
    assert result.updated == 1
    assert procedure.name == "Chỉnh sửa nội dung văn bằng"
    assert procedure.fee == "100.000 đồng"
    assert procedure.is_active is False


def test_header_matched_by_key_or_by_header_without_case_or_diacritics(sgd, tmp_path):
    header = [
        key.upper() if i % 2 else header.lower()
        for i, (key, header) in enumerate(CATALOGUE_COLUMNS)
    ]
    header[0] = "ma co quan"
    header[7] = "Mức độ DVC (1-4)"

    result = import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows(), header=header))

    assert result.created == 3


def test_empty_rows_are_skipped_and_rows_keep_excel_numbers(sgd, tmp_path):
    rows = good_rows()
    rows.insert(1, [None] * len(HEADER))
    rows.insert(2, ["", "  ", None])
    path = write_xlsx(tmp_path / "c.xlsx", rows)

    read = read_catalogue_xlsx(path)

    assert [row["_row"] for row in read] == [2, 5, 6]
    assert catalogue_upsert(rows=read).created == 3


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("ngày làm việc", "working_days"),
        ("Ngay lam viec", "working_days"),
        ("giờ làm việc", "working_hours"),
        ("working_hours", "working_hours"),
        ("ngày", "calendar_days"),
        ("calendar_days", "calendar_days"),
    ],
)
def test_processing_unit_accepts_keys_and_vietnamese_labels(sgd, text, unit):
    row = dict(zip(KEYS, good_rows()[0], strict=True)) | {"processing_unit": text}
    catalogue_upsert(rows=[row])
    assert Procedure.objects.get().processing_unit == unit


@pytest.mark.parametrize(
    ("value", "level"),
    [(1, 1), ("2", 2), (3.0, 3), ("Toàn trình", 4), ("một phần", 3), ("Mức độ 4", 4)],
)
def test_online_level_accepts_numbers_and_words(sgd, value, level):
    row = dict(zip(KEYS, good_rows()[0], strict=True)) | {"online_level": value}
    catalogue_upsert(rows=[row])
    assert Procedure.objects.get().online_level == level


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("x", True),
        ("1", True),
        (1, True),
        ("true", True),
        (True, True),
        ("không", False),
        ("0", False),
        (0, False),
        ("false", False),
        (False, False),
        ("", True),
    ],
)
def test_is_active_accepts_yes_no_words(sgd, value, expected):
    row = dict(zip(KEYS, good_rows()[0], strict=True)) | {"is_active": value}
    catalogue_upsert(rows=[row])
    assert Procedure.objects.get().is_active is expected


def test_json_rows_take_document_lists_and_omitted_defaults(sgd):
    rows = [
        {
            "agency": "SGDDT",
            "field_code": "VBCC",
            "field_name": "Văn bằng, chứng chỉ",
            "code": "3.000465",
            "name": "Cấp bản sao",
            "processing_amount": 1,
            "processing_unit": "working_days",
            "online_level": 3,
            "required_documents": ["Đơn đề nghị", " Bản sao CCCD ", ""],
        }
    ]
    catalogue_upsert(rows=rows)
    procedure = Procedure.objects.get()
    assert procedure.required_documents == "Đơn đề nghị\nBản sao CCCD"
    assert (procedure.supplement_policy, procedure.apology_extension_days) == ("restart", 5)
    assert (procedure.fee, procedure.is_active, procedure.needs_verification) == (
        "Không",
        True,
        False,
    )

    assert catalogue_upsert(rows=rows).unchanged == 1


def test_dry_run_reports_but_writes_nothing(sgd, tmp_path):
    before = db_state()
    result = import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows()), dry_run=True)
    assert (result.created, result.fields_created) == (3, 2)
    assert db_state() == before


def catalogue_admin(username: str = "van.thu", *, agency=None):
    """An administrator, province-wide unless given an agency: the catalogue's writers."""
    from accounts.roles import ADMINISTRATOR

    return factories.staff(agency=agency, roles=[ADMINISTRATOR], province_wide=agency is None, username=username)


def test_history_records_the_user(sgd, tmp_path):
    user = catalogue_admin()
    import_xlsx(write_xlsx(tmp_path / "c.xlsx", good_rows()), user=user)
    assert {h.history_user for h in Procedure.history.all()} == {user}
    assert {h.history_user for h in Field.history.all()} == {user}


# --- bad rows: every error named, nothing written ----------------------------------------------


def errors_of(excinfo) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in excinfo.value.errors]


@pytest.mark.parametrize(
    ("key", "value", "header", "fragment"),
    [
        ("agency", "XYZ", "Mã cơ quan", "không có cơ quan mã 'XYZ'"),
        ("processing_amount", 0, "Thời hạn giải quyết", "1"),
        ("processing_amount", "năm ngày", "Thời hạn giải quyết", "số nguyên"),
        ("processing_amount", 400, "Thời hạn giải quyết", "365"),
        ("processing_unit", "tuần", "Đơn vị", "không nhận ra đơn vị 'tuần'"),
        ("online_level", 7, "Mức độ DVC", "nhận được '7'"),
        ("name", None, "Tên thủ tục", "không được để trống"),
        ("code", "mã có dấu", "Mã thủ tục", "Mã thủ tục chỉ gồm"),
        ("field_code", "lĩnh vực", "Mã lĩnh vực", "Mã chỉ gồm"),
        ("supplement_policy", "sometimes", "Khi bổ sung hồ sơ", "restart"),
        ("apology_extension_days", 0, "Gia hạn khi xin lỗi", "1"),
        ("is_active", "có lẽ", "Đang áp dụng", "'có' hoặc 'không'"),
    ],
)
def test_bad_cell_names_row_and_column_and_writes_nothing(
    sgd, tmp_path, key, value, header, fragment
):
    factories.ProcedureFactory(field__agency=sgd, code="9.999")  # something already stored
    rows = good_rows()
    rows[1][col(key)] = value
    before = db_state()

    with pytest.raises(CatalogueError) as excinfo:
        import_xlsx(write_xlsx(tmp_path / "c.xlsx", rows))

    assert errors_of(excinfo) == [(3, header)]
    assert fragment in excinfo.value.errors[0].message
    assert db_state() == before


def test_unknown_agency_message_is_readable(sgd, tmp_path):
    rows = good_rows()
    rows[1][col("agency")] = "XYZ"  # Excel row 3
    with pytest.raises(CatalogueError) as excinfo:
        import_xlsx(write_xlsx(tmp_path / "c.xlsx", rows))
    assert str(excinfo.value.errors[0]) == "Dòng 3, cột Mã cơ quan: không có cơ quan mã 'XYZ'."


def test_every_bad_row_is_reported_at_once(sgd, tmp_path):
    rows = good_rows()
    rows[0][col("processing_amount")] = 0
    rows[0][col("online_level")] = 9
    rows[2][col("agency")] = "XYZ"
    before = db_state()

    with pytest.raises(CatalogueError) as excinfo:
        import_xlsx(write_xlsx(tmp_path / "c.xlsx", rows))

    assert sorted(errors_of(excinfo)) == [
        (2, "Mức độ DVC"),
        (2, "Thời hạn giải quyết"),
        (4, "Mã cơ quan"),
    ]
    assert db_state() == before


def test_field_code_with_two_names_is_an_error(sgd, tmp_path):
    rows = good_rows()
    rows[1][col("field_name")] = "Văn bằng"  # row 3 disagrees with row 2 about field VBCC
    before = db_state()

    with pytest.raises(CatalogueError) as excinfo:
        import_xlsx(write_xlsx(tmp_path / "c.xlsx", rows))

    assert errors_of(excinfo) == [(3, "Tên lĩnh vực")]
    assert "dòng 2" in excinfo.value.errors[0].message
    assert db_state() == before


def test_duplicate_code_in_file_names_both_rows(sgd, tmp_path):
    rows = good_rows()
    rows[2][col("code")] = "3.000465"
    before = db_state()

    with pytest.raises(CatalogueError) as excinfo:
        import_xlsx(write_xlsx(tmp_path / "c.xlsx", rows))

    assert errors_of(excinfo) == [(4, "Mã thủ tục")]
    assert "trùng với dòng 2" in excinfo.value.errors[0].message
    assert db_state() == before


def test_same_code_in_two_agencies_is_fine(sgd, tmp_path):
    factories.AgencyFactory(code="PGD")
    rows = [*good_rows(), ["PGD", *good_rows()[0][1:]]]
    assert import_xlsx(write_xlsx(tmp_path / "c.xlsx", rows)).created == 4


def test_json_row_with_unknown_key_is_an_error(sgd):
    row = dict(zip(KEYS, good_rows()[0], strict=True)) | {"onlin_level": 3}
    with pytest.raises(CatalogueError) as excinfo:
        catalogue_upsert(rows=[row])
    assert errors_of(excinfo) == [(1, "onlin_level")]


def test_too_many_rows_for_upsert(db):
    with pytest.raises(CatalogueError, match="5000"):
        catalogue_upsert(rows=[{}] * (MAX_ROWS + 1))


# --- bad files ---------------------------------------------------------------------------------


def test_unknown_and_missing_header_columns(sgd, tmp_path):
    header = [h for h in HEADER if h != "Tên thủ tục"] + ["Ghi chú riêng"]
    path = write_xlsx(tmp_path / "c.xlsx", [], header=header)

    with pytest.raises(CatalogueError) as excinfo:
        read_catalogue_xlsx(path)

    assert sorted(errors_of(excinfo)) == [(1, "Ghi chú riêng"), (1, "Tên thủ tục")]
    assert "ô P1" in str(excinfo.value)
    assert "thiếu cột bắt buộc" in str(excinfo.value)


def test_random_bytes_are_not_an_xlsx(db):
    with pytest.raises(CatalogueError) as excinfo:
        read_catalogue_xlsx(io.BytesIO(os.urandom(512)))
    assert "không phải là tệp Excel .xlsx hợp lệ" in str(excinfo.value)
    assert excinfo.value.errors[0].row == 0


def test_csv_renamed_to_xlsx_is_not_an_xlsx(db, tmp_path):
    path = tmp_path / "danh-muc.xlsx"
    path.write_text("Mã cơ quan,Mã lĩnh vực\nSGDDT,VBCC\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"không phải là tệp Excel \.xlsx hợp lệ"):
        read_catalogue_xlsx(path)


def test_more_than_max_rows_is_an_error(db, tmp_path):
    path = tmp_path / "big.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for _ in range(MAX_ROWS + 1):
        sheet.append(good_rows()[0])
    workbook.save(path)

    with pytest.raises(CatalogueError, match="5000"):
        read_catalogue_xlsx(path)


def test_read_json_accepts_list_or_object(tmp_path):
    rows = [{"agency": "SGDDT"}]
    (tmp_path / "a.json").write_text(json.dumps(rows), encoding="utf-8")
    (tmp_path / "b.json").write_text(
        json.dumps({"agencies": [{}], "procedures": rows}), encoding="utf-8"
    )
    (tmp_path / "c.json").write_text("{oops", encoding="utf-8")
    assert read_catalogue_json(tmp_path / "a.json") == rows
    assert read_catalogue_json(tmp_path / "b.json") == rows
    with pytest.raises(CatalogueError, match="JSON không hợp lệ"):
        read_catalogue_json(tmp_path / "c.json")


def test_row_error_text():
    assert str(RowError(5, "Mã cơ quan", "x.")) == "Dòng 5, cột Mã cơ quan: x."
    assert str(RowError(0, "", "Tệp hỏng.")) == "Tệp hỏng."


# --- export ------------------------------------------------------------------------------------


def tricky_catalogue(agency):
    field = factories.FieldFactory(agency=agency, code="A")
    factories.ProcedureFactory(field=field, code="1.000120", fee="")
    factories.ProcedureFactory(
        field__agency=agency,
        field__code="B",
        field__name="Tên có dấu  cách ",
        code="2.5",
        processing_unit="working_hours",
        online_level=4,
        supplement_policy="pause",
        apology_extension_days=10,
        is_active=False,
        needs_verification=True,
        verification_note="=kiểm tra lại",
        fee="=100.000 đồng",
        required_documents="Đơn\r\n  Bản sao  \n\n",
        legal_basis="Luật A\nNghị định B ",
    )
    factories.ProcedureFactory(field=field, code="3", processing_unit="calendar_days")


def test_export_then_import_round_trips_unchanged(sgd, tmp_path):
    tricky_catalogue(sgd)
    before = db_state()
    path = tmp_path / "export.xlsx"

    assert write_catalogue_xlsx(Procedure.objects.all(), path) == 3
    result = import_xlsx(path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (result.fields_created, result.fields_updated) == (0, 0)
    assert db_state() == before


def test_export_layout(sgd, tmp_path):
    tricky_catalogue(sgd)
    path = tmp_path / "export.xlsx"
    write_catalogue_xlsx(Procedure.objects.all(), path)

    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    assert workbook.sheetnames == ["Thủ tục", "Hướng dẫn"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width >= 40
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "1.000120",
        "3",
        "2.5",
    ]
    # Text that looks like a formula stays text.
    assert "=100.000 đồng" in [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    guide = workbook["Hướng dẫn"]
    assert {row[1] for row in guide.iter_rows(min_row=2, max_row=17, values_only=True)} == set(KEYS)


# --- management commands -----------------------------------------------------------------------


def clerk() -> str:
    """The importing user every writing import must name."""
    found = factories.UserFactory._meta.model.objects.filter(username="van.thu").first()
    return (found or catalogue_admin()).username


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_prints_summary(sgd, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    out, _err = run("import_procedures", str(path), "--user", clerk())
    assert "Tạo mới: 3, cập nhật: 0, không đổi: 0" in out

    out, _err = run("import_procedures", str(path), "--user", clerk())
    assert "Tạo mới: 0, cập nhật: 0, không đổi: 3" in out


def test_import_command_dry_run(sgd, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    out, _err = run("import_procedures", str(path), "--dry-run")
    assert "Tạo mới: 3" in out
    assert Procedure.objects.count() == 0


def test_import_command_bad_file_lists_errors_and_fails(sgd, tmp_path):
    rows = good_rows()
    rows[0][col("agency")] = "XYZ"
    rows[2][col("processing_amount")] = 0
    path = write_xlsx(tmp_path / "c.xlsx", rows)
    before = db_state()
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 lỗi"):
        call_command("import_procedures", str(path), "--user", clerk(), stdout=io.StringIO(), stderr=err)

    assert "Dòng 2, cột Mã cơ quan: không có cơ quan mã 'XYZ'." in err.getvalue()
    assert "Dòng 4, cột Thời hạn giải quyết" in err.getvalue()
    assert db_state() == before


def test_import_command_rejects_non_xlsx(db, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(os.urandom(100))
    with pytest.raises(CommandError):
        run("import_procedures", str(path), "--user", clerk())


def test_import_command_user_recorded_in_history(sgd, tmp_path):
    author = catalogue_admin()
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    run("import_procedures", str(path), "--user", "van.thu")
    assert {h.history_user for h in Procedure.history.all()} == {author}

    with pytest.raises(CommandError, match="Không có người dùng"):
        run("import_procedures", str(path), "--user", "nobody")


def test_import_command_refuses_a_user_without_catalogue_permission(sgd, officer, head, tmp_path):
    """The counter officer "motcua" (or a head) must not write the catalogue, nor be named in its history."""
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    for user in (officer, head):
        with pytest.raises(CommandError) as excinfo:
            run("import_procedures", str(path), "--user", user.username)
        assert str(excinfo.value) == (
            f"Tài khoản '{user.username}' không có quyền sửa danh mục thủ tục (cần vai trò Quản trị). "
            "Không có thay đổi nào được ghi."
        )
    with pytest.raises(CatalogueError, match="không có quyền sửa danh mục"):
        import_xlsx(path, user=officer)
    assert db_state() == (0, 0, 0, 0)


def test_import_command_refuses_an_inactive_or_agencyless_administrator(sgd, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    locked = catalogue_admin("khoa")
    locked.is_active = False
    locked.save()
    with pytest.raises(CommandError, match="Tài khoản 'khoa' đã bị khóa"):
        run("import_procedures", str(path), "--user", "khoa")
    stray = catalogue_admin("lac", agency=sgd)
    stray.staff_profile.agency = None
    stray.staff_profile.save()
    with pytest.raises(CommandError, match="Tài khoản 'lac' không thuộc cơ quan nào"):
        run("import_procedures", str(path), "--user", "lac")
    assert db_state() == (0, 0, 0, 0)


def test_an_agency_administrator_imports_only_their_agency(sgd, tmp_path):
    other = factories.AgencyFactory(code="SYT")
    own = catalogue_admin("qt.sgd", agency=sgd)
    path = write_xlsx(tmp_path / "c.xlsx", good_rows() + good_rows("SYT")[:1])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_procedures", str(path), "--user", own.username, stdout=io.StringIO(), stderr=err)
    assert "Dòng 5, cột Mã cơ quan: tài khoản không được sửa danh mục của cơ quan SYT." in err.getvalue()
    assert db_state() == (0, 0, 0, 0)

    run("import_procedures", str(write_xlsx(tmp_path / "own.xlsx", good_rows())), "--user", own.username)
    assert set(Procedure.objects.values_list("agency__code", flat=True)) == {"SGDDT"}
    assert not Procedure.objects.filter(agency=other).exists()


def test_import_command_needs_the_importing_user(sgd, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", good_rows())
    with pytest.raises(CommandError, match="Cần --user"):
        call_command("import_procedures", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Procedure.objects.count() == 0


def test_import_command_reads_json_object_with_agencies(sgd, tmp_path):
    rows = [dict(zip(KEYS, row, strict=True)) for row in good_rows()]
    for row in rows:
        row["required_documents"] = row["required_documents"].split("\n")
    path = tmp_path / "demo.json"
    path.write_text(
        json.dumps({"agencies": [{"code": "NEW"}], "procedures": rows}, ensure_ascii=False),
        encoding="utf-8",
    )

    out, _err = run("import_procedures", str(path), "--user", clerk())

    assert "Tạo mới: 3, cập nhật: 0, không đổi: 0" in out
    assert not Procedure.objects.filter(agency__code="NEW").exists()
    out, _err = run("import_procedures", str(path), "--user", clerk())
    assert "không đổi: 3" in out


def test_export_command_filters_by_agency_and_round_trips(sgd, tmp_path):
    tricky_catalogue(sgd)
    factories.ProcedureFactory(field__agency=factories.AgencyFactory(code="OTHER"))
    path = tmp_path / "out.xlsx"

    out, _err = run("export_procedures", str(path), "--agency", "SGDDT")

    assert "Đã xuất 3 thủ tục" in out
    assert {row["agency"] for row in read_catalogue_xlsx(path)} == {"SGDDT"}
    out, _err = run("import_procedures", str(path), "--user", clerk())
    assert "Tạo mới: 0, cập nhật: 0, không đổi: 3" in out

    with pytest.raises(CommandError, match="Không có cơ quan"):
        run("export_procedures", str(path), "--agency", "NOPE")


def test_demo_catalogue_imports_and_is_idempotent(db):
    path = settings.BASE_DIR / "procedures" / "data" / "demo_catalogue.json"
    if not path.exists():
        pytest.skip("demo catalogue not shipped")
    for agency in json.loads(path.read_text(encoding="utf-8"))["agencies"]:
        factories.AgencyFactory(**agency)

    out, _err = run("import_procedures", str(path), "--user", clerk())
    created = Procedure.objects.count()
    out_again, _err = run("import_procedures", str(path), "--user", clerk())

    assert created > 0
    assert f"Tạo mới: {created}, cập nhật: 0, không đổi: 0" in out
    assert f"Tạo mới: 0, cập nhật: 0, không đổi: {created}" in out_again
