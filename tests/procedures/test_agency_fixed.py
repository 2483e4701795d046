"""A field's or a procedure's agency is fixed once anything refers to it.

`PATCH /api/v1/fields/{id}/ {"agency": OTHER}` used to move a field that had procedures and
dossiers; Biểu 06 of the old agency was then a 500 (KeyError in reporting/selectors.py).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from procedures.models import Field, Procedure
from tests import factories
from tests.security.test_audit import admin_post_data

pytestmark = pytest.mark.django_db

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def setting(admin_user):
    """Two agencies; A's procedure has a dossier. A superuser, so that scope plays no part."""
    a, b = factories.AgencyFactory(code="SO-A"), factories.AgencyFactory(code="SO-B")
    procedure = factories.ProcedureFactory(field__agency=a)
    head = factories.staff(agency=a, roles=[], username="nguoinhan")
    factories.receive_dossier(procedure=procedure, actor=head)
    client = APIClient()
    client.force_authenticate(admin_user)
    return {"a": a, "b": b, "procedure": procedure, "field": procedure.field, "client": client}


def test_a_field_with_procedures_and_dossiers_keeps_its_agency_and_biểu_06_keeps_working(setting):
    client, field = setting["client"], setting["field"]
    response = client.patch(f"/api/v1/fields/{field.pk}/", {"agency": "SO-B"}, format="json")
    assert response.status_code == 400
    reason = response.json()["agency"][0]
    assert reason.startswith("Không đổi được cơ quan của lĩnh vực này vì đã có ")
    assert "thủ tục hành chính" in reason and "hồ sơ" in reason
    assert Field.objects.get(pk=field.pk).agency == setting["a"]
    for group_by in ["field", "procedure", "agency"]:
        report = client.get("/api/v1/reports/summary/", {**PERIOD, "group_by": group_by, "agency": "SO-A"})
        assert report.status_code == 200, group_by
    assert client.get("/api/v1/reports/summary.xlsx", {**PERIOD, "agency": "SO-A"}).status_code == 200
    assert client.patch(f"/api/v1/fields/{field.pk}/", {"name": "Tên mới"}, format="json").status_code == 200


def test_a_procedure_with_dossiers_keeps_its_agency(setting):
    client, procedure = setting["client"], setting["procedure"]
    other_field = factories.FieldFactory(agency=setting["b"])
    body = {"agency": "SO-B", "field": other_field.pk}
    response = client.patch(f"/api/v1/procedures/{procedure.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["agency"][0].startswith("Không đổi được cơ quan của thủ tục hành chính này vì đã có hồ sơ")
    assert Procedure.objects.get(pk=procedure.pk).agency == setting["a"]


def test_an_entry_nothing_refers_to_still_moves(setting):
    client = setting["client"]
    lonely = factories.FieldFactory(agency=setting["a"])
    response = client.patch(f"/api/v1/fields/{lonely.pk}/", {"agency": "SO-B"}, format="json")
    assert response.status_code == 200
    assert Field.objects.get(pk=lonely.pk).agency == setting["b"]


def test_the_admin_form_and_the_model_refuse_it_too(setting, client, admin_user):
    field = setting["field"]
    client.force_login(admin_user)
    url = f"/admin/procedures/field/{field.pk}/change/"
    data = admin_post_data(client.get(url))
    data["agency"] = str(setting["b"].pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "agency" in response.context["adminform"].form.errors
    field.agency = setting["b"]
    with pytest.raises(ValidationError) as refused:
        field.full_clean()
    assert "agency" in refused.value.message_dict
    assert Field.objects.get(pk=field.pk).agency == setting["a"]
