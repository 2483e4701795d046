"""The import commands refuse huge, non-UTF-8 and non-xlsx files with a message that says why."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.roles import ADMINISTRATOR
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _fails(*args) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return f"{excinfo.value}\n{err.getvalue()}"


@pytest.mark.parametrize("command", ["import_procedures", "import_dossiers"])
def test_a_file_over_the_limit_is_refused_before_reading(command, tmp_path, settings, head):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "lon.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * (1024 * 1024 + 512 * 1024))
    message = _fails(command, str(path), "--user", head.username)
    assert "Tệp 'lon.xlsx' quá lớn (1.5 MB; tối đa 1.0 MB). Hãy chia thành nhiều tệp nhỏ hơn." in message


def test_catalogue_json_must_be_utf8(tmp_path):
    path = tmp_path / "danh-muc.json"
    path.write_bytes('[{"name": "Cấp bản sao"}]'.encode("cp1258", errors="replace").replace(b"[", b"[\xff", 1))
    assert "Tệp JSON phải được lưu bằng mã UTF-8." in _fails("import_procedures", str(path))


@pytest.mark.parametrize("command", ["import_procedures", "import_dossiers"])
def test_a_csv_named_xlsx_is_refused(command, tmp_path, head, agency):
    importer = head if command == "import_dossiers" else staff(agency=agency, roles=[ADMINISTRATOR])
    path = tmp_path / "so.xlsx"
    path.write_text("Mã hồ sơ;Mã thủ tục\nSO-1;1.000001\n", encoding="utf-8")
    message = _fails(command, str(path), "--user", importer.username)
    assert "không phải" in message and "Excel" in message and ".xlsx" in message
