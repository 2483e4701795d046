"""One rule for control characters: refused on the way in everywhere, cleaned on the way out.

In: the pages' forms (through the services' full_clean), the API, the admin's model forms and
both imports all run the model fields' `validate_no_control_characters`. Out: what is already
stored (written here with QuerySet.update, as old data could be) no longer breaks a letter's
.docx or the XML backup; the .xlsx exports are covered in test_xlsx_exports.py.
"""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.forms import modelform_factory

from accounts.roles import COUNTER_OFFICER
from apology_letters.models import ApologyLetter
from apology_letters.services import sweep_late_dossiers
from dossiers.models import Dossier
from procedures.calendar import VN_TZ
from procedures.catalogue import CatalogueError, catalogue_upsert
from procedures.models import Agency, Procedure
from tests import factories
from tests.conftest import NOW
from tests.dossiers.test_web import intake_data
from tests.procedures.test_catalogue_import import KEYS, good_rows, sgd  # noqa: F401 (sgd is a fixture)

pytestmark = pytest.mark.django_db

CONTROL = ["\x01", "\x08", "\x1b", "\x0b"]


@pytest.fixture
def officer_web(client, agency):
    client.force_login(factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="motcua"))
    return client


@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize("field", ["applicant_name", "applicant_address", "notes", "docs-0-name"])
def test_web_intake_refuses_control_characters(officer_web, procedure, field, char):
    data = intake_data(procedure)
    data[field] = f"{data[field] or 'Ghi chú'}{char}x"

    response = officer_web.post("/ho-so/tiep-nhan/", data)

    assert response.status_code == 200  # the form again, with the error
    assert f"U+{ord(char):04X}" in response.content.decode()
    assert not Dossier.objects.exists()


def test_web_intake_keeps_line_breaks_and_tabs(officer_web, procedure):
    response = officer_web.post("/ho-so/tiep-nhan/", intake_data(procedure, notes="dòng 1\r\ndòng 2\tcột"))

    assert response.status_code == 302
    assert Dossier.objects.get().notes == "dòng 1\r\ndòng 2\tcột"


def test_api_refuses_control_characters_in_documents(admin_user, procedure):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.post("/api/v1/dossiers/", {
        "procedure": procedure.code, "agency": procedure.agency.code, "applicant_name": "A",
        "applicant_phone": "0912345678", "channel": "counter", "documents": [{"name": "Đơn\x1b", "count": 1}],
    }, format="json")

    assert response.status_code == 400
    assert "U+001B" in str(response.json())


def test_admin_model_form_refuses_a_procedure_name_with_u0001(procedure):
    """The admin's change form is a ModelForm, which runs the model field's validators."""
    form_class = modelform_factory(Procedure, fields=["name"])
    form = form_class(data={"name": "Cấp phép\x01"}, instance=procedure)

    assert not form.is_valid()
    assert "U+0001" in form.errors["name"][0]


def test_dossier_service_refuses_control_characters(procedure, head):
    """The tracking-book import receives each row through this service (full_clean)."""
    with pytest.raises(ValidationError) as caught:
        factories.receive_dossier(procedure=procedure, actor=head, applicant_address="Số\x0b 1")

    assert "applicant_address" in caught.value.message_dict


def test_catalogue_import_refuses_control_characters(sgd):  # noqa: F811
    row = dict(zip(KEYS, good_rows()[0], strict=True)) | {"name": "Thủ tục\x08"}

    with pytest.raises(CatalogueError) as caught:
        catalogue_upsert(rows=[row])

    assert "U+0008" in str(caught.value)
    assert not Procedure.objects.exists()


# --- what is already stored ------------------------------------------------------------------


@pytest.fixture
def stored_letter(head):
    """A late dossier's drafted letter (the sweep drafts it), then control characters stored around it."""
    procedure = factories.ProcedureFactory(field__agency=head.staff_profile.agency, processing_amount=4)
    factories.receive_dossier(procedure=procedure, actor=head, received_at=dt.datetime(2026, 11, 16, 14, tzinfo=VN_TZ))
    (letter,) = sweep_late_dossiers(at=NOW).drafted
    Dossier.objects.update(applicant_name="Nguyễn\x01 Văn\x1b Hùng", applicant_address="Số\x0b 1")
    Agency.objects.update(name="Sở\x08 Giáo dục")
    ApologyLetter.objects.update(reason="Chậm\x01 trễ")
    return letter


def test_letter_docx_cleans_stored_control_characters(client, stored_letter, head):
    client.force_login(head)

    response = client.get(f"/phieu-xin-loi/{stored_letter.pk}/tai-ve.docx")

    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "Nguyễn Văn Hùng" in text
    assert not any(char in text for char in CONTROL)


def test_xml_backup_finishes_and_loads_with_stored_control_characters(stored_letter, tmp_path):
    target = tmp_path / "motcua.xml"

    call_command("dumpdata", "procedures", "dossiers", "apology_letters", format="xml", output=str(target))

    xml = target.read_text(encoding="utf-8")
    assert xml.rstrip().endswith("</django-objects>")
    assert "Nguyễn Văn Hùng" in xml
    Dossier.objects.update(applicant_name="khác")
    call_command("loaddata", str(target), verbosity=0)
    assert Dossier.objects.get().applicant_name == "Nguyễn Văn Hùng"
