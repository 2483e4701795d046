"""Every change carries the acting user in its history row, whichever door it came through.

Imports are covered where they are tested: tests/procedures/test_catalogue_import.py
(test_import_command_user_recorded_in_history) and tests/dossiers/test_import.py
(test_events_and_history_are_attributed_to_the_importing_user).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import MultiWidget
from rest_framework.test import APIClient

from accounts.roles import ADMINISTRATOR, DEPARTMENT_HEAD, SPECIALIST
from apology_letters.services import letter_draft
from procedures.models import CalendarOverride, Field, Procedure
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def specialist(agency):
    return factories.staff(agency=agency, roles=[SPECIALIST], username="chuyenvien")


@pytest.fixture
def dossier(procedure, officer):
    return factories.receive_dossier(procedure=procedure, actor=officer)


def admin_post_data(response) -> dict:
    """The change form as the browser would send it back unchanged (inlines included)."""

    def add(data, form, name, value):
        field = form.fields[name]
        if field.disabled or value is None:
            return
        key = form.add_prefix(name)
        widget = field.widget
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{key}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)

    data: dict = {}
    form = response.context["adminform"].form
    for name in form.fields:
        add(data, form, name, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                add(data, sub, name, sub[name].value())
    return data


def test_api_action_records_the_token_user(dossier, specialist):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(specialist)}")
    response = client.post(f"/api/v1/dossiers/{dossier.code}/transfer/", {"to_unit": "Phòng Khảo thí"}, format="json")
    assert response.status_code == 200
    latest = dossier.history.first()
    assert (latest.history_user, latest.current_unit) == (specialist, "Phòng Khảo thí")


def test_web_action_records_the_logged_in_user(client, dossier, specialist):
    client.force_login(specialist)
    response = client.post(f"/ho-so/{dossier.code}/thao-tac/suspended/", {"suspended-reason": "Chờ xác minh"})
    assert response.status_code == 302
    assert dossier.history.first().history_user == specialist


def test_catalogue_write_through_the_api_records_the_token_user(agency):
    administrator = factories.staff(agency=agency, roles=[ADMINISTRATOR], username="quantri")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(administrator)}")
    body = {"agency": agency.code, "code": "F-API", "name": "Lĩnh vực"}
    response = client.post("/api/v1/fields/", body, format="json")
    assert response.status_code == 201
    assert Field.objects.get(code="F-API").history.first().history_user == administrator


def test_admin_edit_of_a_procedure_records_the_admin(client, admin_user, procedure):
    client.force_login(admin_user)
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    data = admin_post_data(client.get(url))
    data["name"] = "Tên thủ tục đã sửa"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = procedure.history.first()
    assert (latest.history_user, latest.name, latest.history_type) == (admin_user, "Tên thủ tục đã sửa", "~")


def test_admin_calendar_override_records_the_admin(client, admin_user):
    client.force_login(admin_user)
    url = "/admin/procedures/calendaroverride/add/"
    data = admin_post_data(client.get(url))
    data.update(date="2026-12-31", kind=CalendarOverride.Kind.OFF, reason="Nghỉ bù", legal_reference="Thông báo 1")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    override = CalendarOverride.objects.get(date=dt.date(2026, 12, 31))
    assert override.history.first().history_user == admin_user


def test_admin_change_of_a_users_roles_records_the_admin(client, admin_user, officer):
    client.force_login(admin_user)
    url = f"/admin/auth/user/{officer.pk}/change/"
    data = admin_post_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name=DEPARTMENT_HEAD).pk)]
    data["is_active"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = User.history.filter(id=officer.pk).first()
    assert latest.history_user == admin_user
    assert latest.is_active is False
    assert [group.group.name for group in latest.groups.all()] == [DEPARTMENT_HEAD]
    assert not hasattr(latest, "password")  # the hash never lands in the history table


def test_letter_issue_records_the_head(head, dossier):
    letter = letter_draft(dossier=dossier, actor=head, reason="Chờ xác minh")
    client = APIClient()
    client.force_authenticate(head)
    response = client.post(f"/api/v1/apology-letters/{letter.pk}/issue/", {"sent_via": "counter"}, format="json")
    assert response.status_code == 200
    assert letter.history.first().history_user == head
    assert dossier.history.first().history_user == head  # the new appointment on the dossier


def test_dossier_page_shows_the_history_to_heads_only(client, head, officer, dossier, specialist):
    from dossiers import services

    services.dossier_transfer(dossier=dossier, actor=specialist, to_unit="Phòng Khảo thí")
    client.force_login(head)
    html = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Lịch sử thay đổi" in html
    history = html.split("Lịch sử thay đổi", 1)[1]
    assert "Đang ở bộ phận: Bộ phận Một cửa → Phòng Khảo thí" in history
    assert "Tạo hồ sơ" in history
    assert history.index("Phòng Khảo thí") < history.index("Tạo hồ sơ")  # newest first
    client.force_login(officer)
    assert "Lịch sử thay đổi" not in client.get(f"/ho-so/{dossier.code}/").content.decode()


def test_audited_models_keep_field_level_history():
    for model in (Procedure, CalendarOverride, Field, User):
        assert hasattr(model, "history"), model
