"""Both importers bound what an .xlsx expands to: zip members, rows, columns and time.

The files are built in tmp: a real workbook from openpyxl, then re-zipped with extra empty rows
or an inflated shared-strings part. Limits are scaled down through settings so that the suite
stays fast; one zip bomb is checked against the defaults.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from accounts.roles import ADMINISTRATOR
from config.spreadsheets import bounded_rows, open_bounded_workbook
from dossiers.importing import DossierImportError, read_tracking_book
from dossiers.models import Dossier
from procedures.catalogue import CATALOGUE_COLUMNS, CatalogueError, read_catalogue_xlsx
from procedures.models import Procedure
from tests.factories import staff

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def _workbook(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _rezip(path, *, empty_rows: int = 0, cells: int = 50, strings_padding: int = 0, level: int = 9):
    """Rewrite `path` with `empty_rows` rows of `cells` empty cells after the data, and
    `strings_padding` bytes of one repeated character in the shared strings."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    if strings_padding:  # openpyxl writes strings inline; a bomb brings its own shared strings
        parts.setdefault(STRINGS, b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"></sst>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for name, data in parts.items():
            if name == SHEET and empty_rows:
                head, tail = data.split(b"</sheetData>")
                with target.open(name, "w") as member:
                    member.write(head)
                    for number in range(10, 10 + empty_rows):
                        member.write(f'<row r="{number}">'.encode() + b'<c s="0"/>' * cells + b"</row>")
                    member.write(b"</sheetData>" + tail)
            elif name == STRINGS and strings_padding:
                head, tail = data.rsplit(b"</sst>", 1)
                with target.open(name, "w", force_zip64=True) as member:
                    member.write(head + b"<si><t>")
                    chunk = b"a" * (1024 * 1024)
                    for _ in range(strings_padding // len(chunk)):
                        member.write(chunk)
                    member.write(b"</t></si></sst>" + tail)
            else:
                target.writestr(name, data)
    return path


def _dossier_book(path):
    header = ["Mã hồ sơ", "Mã thủ tục", "Người nộp", "Điện thoại", "Ngày nhận", "Kênh"]
    return _workbook(path, [header, ["SO-1", "1.000001", "Nguyễn Văn A", "0912345678", "20/11/2026", "trực tiếp"]])


def _catalogue_book(path):
    header = [header for _key, header in CATALOGUE_COLUMNS]
    row = ["SGDDT", "VBCC", "Văn bằng", "1.000001", "Cấp bản sao", 5, "ngày làm việc", 2]
    return _workbook(path, [header, row])


READERS = [
    pytest.param(read_tracking_book, _dossier_book, DossierImportError, id="import_dossiers"),
    pytest.param(read_catalogue_xlsx, _catalogue_book, CatalogueError, id="import_procedures"),
]


def _refusal(reader, path, error) -> str:
    """The one whole-file message the reader refused `path` with."""
    with pytest.raises(error) as excinfo:
        reader(path)
    [refusal] = excinfo.value.errors
    assert refusal.row == 0
    return refusal.message


@pytest.mark.parametrize(("reader", "build", "error"), READERS)
def test_empty_rows_past_the_row_limit_are_refused(reader, build, error, tmp_path, settings):
    settings.IMPORT_MAX_SHEET_ROWS = 100
    path = _rezip(build(tmp_path / "rong.xlsx"), empty_rows=200)
    assert _refusal(reader, path, error) == (
        "trang tính có hơn 100 dòng (kể cả các dòng trống); hãy xóa các dòng trống ở cuối trang "
        "hoặc chia thành nhiều tệp nhỏ hơn."
    )


@pytest.mark.parametrize(("reader", "build", "error"), READERS)
def test_empty_rows_under_the_row_limit_are_read_and_skipped(reader, build, error, tmp_path, settings):
    settings.IMPORT_MAX_SHEET_ROWS = 300
    path = _rezip(build(tmp_path / "rong.xlsx"), empty_rows=200)
    read = reader(path)
    rows = read.rows if hasattr(read, "rows") else read
    assert len(rows) == 1


@pytest.mark.parametrize(("reader", "build", "error"), READERS)
def test_reading_stops_at_the_deadline(reader, build, error, tmp_path, settings):
    settings.IMPORT_MAX_SECONDS = 0
    path = build(tmp_path / "cham.xlsx")
    assert _refusal(reader, path, error) == (
        "đọc tệp mất quá 0 giây và đã dừng lại; hãy xóa các dòng, cột trống hoặc chia thành "
        "nhiều tệp nhỏ hơn."
    )


@pytest.mark.parametrize(("reader", "build", "error"), READERS)
def test_a_highly_compressed_member_is_refused_before_openpyxl(reader, build, error, tmp_path):
    path = _rezip(build(tmp_path / "bom.xlsx"), strings_padding=8 * 1024 * 1024)
    assert path.stat().st_size < 100_000
    message = _refusal(reader, path, error)
    assert message.startswith("phần 'xl/sharedStrings.xml' của tệp Excel nén quá mức bình thường (gấp ")
    assert "tối đa 200 lần" in message


@pytest.mark.parametrize(("reader", "build", "error"), READERS)
def test_a_member_over_the_size_limit_is_refused(reader, build, error, tmp_path, settings):
    settings.IMPORT_MAX_MEMBER_BYTES = 2 * 1024 * 1024
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1_000_000
    path = _rezip(build(tmp_path / "lon.xlsx"), strings_padding=3 * 1024 * 1024)
    assert _refusal(reader, path, error) == (
        "phần 'xl/sharedStrings.xml' của tệp Excel giải nén ra 3.0 MB (tối đa 2.0 MB); tệp có thể "
        "chứa rất nhiều ô trống hoặc bị làm hỏng. Hãy chép phần dữ liệu sang một tệp mới rồi nhập lại."
    )


@pytest.mark.parametrize(("reader", "build", "error"), READERS)
def test_members_over_the_total_limit_are_refused(reader, build, error, tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 3 * 512 * 1024
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1_000_000
    path = _rezip(build(tmp_path / "tong.xlsx"), strings_padding=2 * 1024 * 1024)
    assert _refusal(reader, path, error) == (
        "tệp Excel giải nén ra 2.0 MB (tối đa 1.5 MB). Hãy chia thành nhiều tệp nhỏ hơn."
    )


def test_a_zip_bomb_is_refused_with_the_defaults_without_expanding_it(tmp_path):
    """70 MB of shared strings in a ~70 KB file: refused from the zip directory alone."""
    path = _rezip(_dossier_book(tmp_path / "bom.xlsx"), strings_padding=70 * 1024 * 1024, level=1)
    assert path.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(DossierImportError, match=r"sharedStrings\.xml"):
            read_tracking_book(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024


def test_rows_are_cut_to_the_column_limit(tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 16
    path = _rezip(_dossier_book(tmp_path / "rong.xlsx"), empty_rows=3, cells=40)
    workbook = open_bounded_workbook(path)
    try:
        rows = list(bounded_rows(workbook.worksheets[0], values_only=True))
    finally:
        workbook.close()
    assert {len(row) for row in rows} == {16}
    assert rows[1][:4] == ("SO-1", "1.000001", "Nguyễn Văn A", "0912345678")


@pytest.mark.parametrize("command", ["import_procedures", "import_dossiers"])
def test_the_commands_refuse_with_the_reason_and_write_nothing(command, tmp_path, settings, head, agency):
    settings.IMPORT_MAX_SHEET_ROWS = 100
    importer = head if command == "import_dossiers" else staff(agency=agency, roles=[ADMINISTRATOR])
    build = _dossier_book if command == "import_dossiers" else _catalogue_book
    path = _rezip(build(tmp_path / "rong.xlsx"), empty_rows=200)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"Có 1 lỗi trong tệp 'rong\.xlsx'"):
        call_command(command, str(path), "--user", importer.username, stdout=io.StringIO(), stderr=err)
    assert "rang tính có hơn 100 dòng (kể cả các dòng trống)" in err.getvalue()
    assert (Dossier.objects.count(), Procedure.objects.count()) == (0, 0)
