"""Catalogue writes are agency-scoped, in the admin and in the API.

An administrator of agency A changes A's record, fields, procedures and calendar overrides, and
nothing of agency B's (404 for B's rows, 400 for a body naming B); the overrides for every
agency, and adding or removing agencies, are the province-level administrator's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.roles import ADMINISTRATOR
from procedures.models import Agency, CalendarOverride, Field, Procedure
from tests import factories
from tests.security.test_audit import admin_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    a, b = factories.AgencyFactory(code="SO-A"), factories.AgencyFactory(code="SO-B")
    return {
        "a": a,
        "b": b,
        "proc_a": factories.ProcedureFactory(field__agency=a),
        "proc_b": factories.ProcedureFactory(field__agency=b),
        "override_a": factories.CalendarOverrideFactory(date=dt.date(2026, 12, 1), agency=a),
        "override_b": factories.CalendarOverrideFactory(date=dt.date(2026, 12, 2), agency=b),
        "override_all": factories.CalendarOverrideFactory(date=dt.date(2026, 12, 3), agency=None),
        "admin_a": factories.staff(agency=a, roles=[ADMINISTRATOR], username="quantri-a", is_staff=True),
        "province": factories.staff(
            agency=a, roles=[ADMINISTRATOR], username="quantri-tinh", is_staff=True, province_wide=True
        ),
    }


def _edit(client, url, **changes):
    page = client.get(url)
    if page.status_code != 200:
        return page
    data = admin_post_data(page)
    data.update(changes)
    return client.post(url, data)


# ---------------------------------------------------------------------------- admin


def test_an_agency_administrator_edits_only_their_agencys_catalogue_in_the_admin(client, two):
    client.force_login(two["admin_a"])
    b = two["b"]
    for url in [
        f"/admin/procedures/agency/{b.pk}/change/",
        f"/admin/procedures/procedure/{two['proc_b'].pk}/change/",
        f"/admin/procedures/field/{two['proc_b'].field_id}/change/",
        f"/admin/procedures/calendaroverride/{two['override_b'].pk}/change/",
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"head_name": "Kẻ giả mạo", "name": "x"}).status_code == 404, url
    own = _edit(client, f"/admin/procedures/agency/{two['a'].pk}/change/", head_name="Nguyễn Văn Ký")
    assert own.status_code == 302
    b.refresh_from_db()
    assert (Agency.objects.get(pk=two["a"].pk).head_name, b.head_name) == ("Nguyễn Văn Ký", "Trần Văn Bình")
    listed = {row.pk for row in client.get("/admin/procedures/procedure/").context["cl"].result_list}
    assert listed == {two["proc_a"].pk}
    assert client.get("/admin/procedures/agency/add/").status_code == 403


def test_the_procedure_form_offers_only_the_own_agency_and_fields(client, two):
    client.force_login(two["admin_a"])
    page = client.get(f"/admin/procedures/procedure/{two['proc_a'].pk}/change/")
    form = page.context["adminform"].form
    assert list(form.fields["agency"].queryset) == [two["a"]]
    assert list(form.fields["field"].queryset) == [two["proc_a"].field]
    moved = _edit(
        client, f"/admin/procedures/procedure/{two['proc_a'].pk}/change/",
        agency=str(two["b"].pk), field=str(two["proc_b"].field_id),
    )
    assert moved.status_code == 200  # the form again, with the errors
    assert set(moved.context["adminform"].form.errors) == {"agency", "field"}
    assert Procedure.objects.get(pk=two["proc_a"].pk).agency == two["a"]


def test_overrides_for_every_agency_are_the_provinces_in_the_admin(client, two):
    client.force_login(two["admin_a"])
    shown = {row.pk for row in client.get("/admin/procedures/calendaroverride/").context["cl"].result_list}
    assert shown == {two["override_a"].pk, two["override_all"].pk}  # both move A's due dates
    url = f"/admin/procedures/calendaroverride/{two['override_all'].pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Lưu lại" not in page.content.decode()
    assert client.post(url, {"date": "2026-12-04", "kind": "working"}).status_code == 403
    body = {"date": "2026-12-10", "kind": "off", "reason": "Nghỉ", "legal_reference": "QĐ 1"}
    added = client.post("/admin/procedures/calendaroverride/add/", {**body, "agency": ""})
    assert "agency" in added.context["adminform"].form.errors
    added = client.post("/admin/procedures/calendaroverride/add/", {**body, "agency": str(two["b"].pk)})
    assert "agency" in added.context["adminform"].form.errors
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 12, 10)).exists()
    assert CalendarOverride.objects.get(pk=two["override_all"].pk).date == dt.date(2026, 12, 3)


def test_the_province_administrator_edits_every_agency_in_the_admin(client, two):
    client.force_login(two["province"])
    assert _edit(client, f"/admin/procedures/agency/{two['b'].pk}/change/", head_name="Lê Văn Tỉnh").status_code == 302
    url = f"/admin/procedures/calendaroverride/{two['override_all'].pk}/change/"
    assert _edit(client, url, reason="Nghỉ bù toàn tỉnh").status_code == 302
    assert Agency.objects.get(pk=two["b"].pk).head_name == "Lê Văn Tỉnh"
    assert CalendarOverride.objects.get(pk=two["override_all"].pk).reason == "Nghỉ bù toàn tỉnh"


# ---------------------------------------------------------------------------- API


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_agency_administrator_writes_only_their_agencys_catalogue_through_the_api(two):
    client = _api(two["admin_a"])
    b = two["b"]
    assert client.patch(f"/api/v1/agencies/{b.pk}/", {"head_name": "Kẻ giả mạo"}, format="json").status_code == 404
    assert client.patch(f"/api/v1/procedures/{two['proc_b'].pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/fields/{two['proc_b'].field_id}/").status_code == 404
    path = f"/api/v1/calendar-overrides/{two['override_b'].pk}/"
    assert client.patch(path, {"reason": "x"}, format="json").status_code == 404
    path = f"/api/v1/calendar-overrides/{two['override_all'].pk}/"
    assert client.patch(path, {"reason": "x"}, format="json").status_code == 404

    created = client.post("/api/v1/fields/", {"code": "F-MOI", "name": "Mới", "agency": "SO-B"}, format="json")
    assert created.status_code == 400
    assert created.json() == {"agency": ["Anh/chị chỉ quản lý danh mục của cơ quan mình (SO-A)."]}
    body = {"date": "2026-12-10", "kind": "off", "reason": "Nghỉ", "legal_reference": "QĐ 1"}
    for extra in [{}, {"agency": None}]:
        response = client.post("/api/v1/calendar-overrides/", {**body, **extra}, format="json")
        assert response.status_code == 400, extra
        assert "quản trị cấp tỉnh" in response.json()["agency"][0]
    moved = client.patch(f"/api/v1/procedures/{two['proc_a'].pk}/", {"agency": "SO-B"}, format="json")
    assert moved.status_code == 400 and "agency" in moved.json()
    added = client.post("/api/v1/agencies/", {"code": "SO-C", "name": "Sở mới"}, format="json")
    assert added.status_code == 403

    assert client.patch(f"/api/v1/agencies/{two['a'].pk}/", {"head_name": "Ký Mới"}, format="json").status_code == 200
    own = client.post("/api/v1/calendar-overrides/", {**body, "agency": "SO-A"}, format="json")
    assert own.status_code == 201
    b.refresh_from_db()
    assert b.head_name == "Trần Văn Bình"
    assert not Field.objects.filter(code="F-MOI").exists()
    assert Procedure.objects.get(pk=two["proc_a"].pk).agency == two["a"]


def test_every_logged_in_user_still_reads_the_whole_catalogue(two):
    response = _api(two["admin_a"]).get("/api/v1/procedures/")
    assert {row["agency"] for row in response.json()["results"]} == {"SO-A", "SO-B"}


def test_the_province_administrator_writes_for_every_agency_through_the_api(two):
    client = _api(two["province"])
    body = {"date": "2026-12-10", "kind": "off", "reason": "Nghỉ", "legal_reference": "QĐ 1"}
    assert client.post("/api/v1/calendar-overrides/", body, format="json").status_code == 201
    assert client.patch(f"/api/v1/agencies/{two['b'].pk}/", {"head_name": "Lê Tỉnh"}, format="json").status_code == 200
    created = client.post("/api/v1/fields/", {"code": "F-MOI", "name": "Mới", "agency": "SO-B"}, format="json")
    assert created.status_code == 201
    assert client.post("/api/v1/agencies/", {"code": "SO-C", "name": "Sở mới"}, format="json").status_code == 201
