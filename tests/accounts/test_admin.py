"""The user admin: a non-superuser administrator manages their agency's accounts, never escalates.

They see only their own agency's accounts (another agency's, password form included, is a 404),
grant no more than they hold (roles, scope, superuser status, direct permissions), may not
manage an account that holds more than they do, and never touch their own roles or scope.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import StaffProfile
from accounts.roles import ADMINISTRATOR, COUNTER_OFFICER, DEPARTMENT_HEAD
from tests import factories
from tests.security.test_audit import admin_post_data

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def administrator(agency):
    return factories.staff(agency=agency, roles=[ADMINISTRATOR], username="quantri", is_staff=True)


@pytest.fixture
def officer(agency):
    return factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="lan")


@pytest.fixture
def head_administrator(agency):
    """The agency's administrator who is also its head: may hand out the operational roles."""
    return factories.staff(agency=agency, roles=[ADMINISTRATOR, DEPARTMENT_HEAD], username="giamdoc", is_staff=True)


@pytest.fixture
def other_head():
    other = factories.AgencyFactory(code="SO-KHAC")
    return factories.staff(agency=other, roles=[DEPARTMENT_HEAD], username="lanhdao-khac", is_staff=True)


def _change(client, user, **changes):
    url = f"/admin/auth/user/{user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = admin_post_data(page)
    data.update(changes)
    return client.post(url, data)


def test_administrator_cannot_make_themselves_superuser_or_change_their_roles(client, administrator):
    client.force_login(administrator)
    head = Group.objects.get(name=DEPARTMENT_HEAD)
    response = _change(
        client, administrator, is_superuser="on", groups=[str(head.pk)], **{"staff_profile-0-province_wide": "on"}
    )
    assert response.status_code == 302  # saved: the read-only fields were ignored, nothing else changed
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert list(administrator.groups.values_list("name", flat=True)) == [ADMINISTRATOR]
    assert not StaffProfile.objects.get(user=administrator).province_wide


def test_administrator_manages_another_account_but_grants_no_superuser(client, head_administrator, officer):
    client.force_login(head_administrator)
    head = Group.objects.get(name=DEPARTMENT_HEAD)
    response = _change(client, officer, is_superuser="on", groups=[str(head.pk)], last_name="Trần")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.last_name == "Trần"
    assert list(officer.groups.values_list("name", flat=True)) == [DEPARTMENT_HEAD]
    assert not officer.is_superuser
    assert officer.history.first().history_user == head_administrator


def test_a_superuser_account_is_out_of_an_administrators_reach(client, administrator):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(administrator)
    assert client.post(f"/admin/auth/user/{root.pk}/password/", {}).status_code == 404  # not of their agency
    assert client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code == 404
    assert client.get(f"/admin/auth/user/{root.pk}/change/").status_code == 404
    assert client.post(f"/admin/auth/user/{administrator.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk__in=[root.pk, administrator.pk]).count() == 2


def test_another_agencys_accounts_are_404_with_their_password_form(client, administrator, other_head):
    client.force_login(administrator)
    for suffix in ["change/", "password/", "history/", "delete/"]:
        assert client.get(f"/admin/auth/user/{other_head.pk}/{suffix}").status_code == 404, suffix
    posted = client.post(f"/admin/auth/user/{other_head.pk}/change/", {"is_staff": "", "username": "x"})
    assert posted.status_code == 404
    password = {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!", "usable_password": "true"}
    assert client.post(f"/admin/auth/user/{other_head.pk}/password/", password).status_code == 404
    profile = other_head.staff_profile
    assert client.get(f"/admin/accounts/staffprofile/{profile.pk}/change/").status_code == 404
    listed = {user.pk for user in client.get("/admin/auth/user/").context["cl"].result_list}
    assert other_head.pk not in listed and administrator.pk in listed
    other_head.refresh_from_db()
    assert other_head.is_staff and other_head.check_password("mat-khau-thu-nghiem")


def test_an_account_holding_more_than_the_administrator_is_view_only(client, administrator, officer):
    client.force_login(administrator)  # the counter officer's permissions are not the administrator's
    page = client.get(f"/admin/auth/user/{officer.pk}/change/")
    assert page.status_code == 200 and "Lưu lại" not in page.content.decode()
    password = {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!", "usable_password": "true"}
    assert client.post(f"/admin/auth/user/{officer.pk}/password/", password).status_code == 403
    deactivated = client.post(f"/admin/auth/user/{officer.pk}/change/", {"username": "lan", "is_active": ""})
    assert deactivated.status_code == 403
    officer.refresh_from_db()
    assert officer.is_active and officer.check_password("mat-khau-thu-nghiem")


def test_a_new_account_gets_no_role_the_administrator_lacks_and_stays_in_their_agency(client, administrator, agency):
    client.force_login(administrator)
    page = client.get("/admin/auth/user/add/")
    created = client.post(
        "/admin/auth/user/add/",
        {
            "username": "tk-phu", "password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!",
            "usable_password": "true",
            **{key: value for key, value in admin_post_data(page).items() if key.startswith("staff_profile-")},
        },
    )
    assert created.status_code == 302
    account = User.objects.get(username="tk-phu")
    assert account.staff_profile.agency == agency and not account.staff_profile.province_wide
    form = client.get(f"/admin/auth/user/{account.pk}/change/").context["adminform"].form
    assert list(form.fields["groups"].queryset.values_list("name", flat=True)) == [ADMINISTRATOR]
    head = Group.objects.get(name=DEPARTMENT_HEAD)
    refused = _change(client, account, groups=[str(head.pk)], is_staff="on", **{"staff_profile-0-province_wide": "on"})
    assert refused.status_code == 200 and "groups" in refused.context["adminform"].form.errors
    ok = _change(client, account, is_staff="on", **{"staff_profile-0-province_wide": "on"})
    assert ok.status_code == 302
    account = User.objects.get(pk=account.pk)
    assert account.is_staff and not account.groups.exists() and not account.staff_profile.province_wide


def test_the_profile_form_offers_only_the_own_agency(client, head_administrator, officer, other_head):
    client.force_login(head_administrator)
    page = client.get(f"/admin/auth/user/{officer.pk}/change/")
    inline = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(inline.fields["agency"].queryset) == [officer.staff_profile.agency]
    moved = _change(client, officer, **{"staff_profile-0-agency": str(other_head.staff_profile.agency_id)})
    assert moved.status_code == 200
    assert officer.staff_profile.__class__.objects.get(user=officer).agency == head_administrator.staff_profile.agency


def test_an_administrator_cannot_widen_or_move_their_own_profile(client, administrator, other_head):
    client.force_login(administrator)
    profile = administrator.staff_profile
    url = f"/admin/accounts/staffprofile/{profile.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = admin_post_data(page)
    data.update(agency=str(other_head.staff_profile.agency_id), province_wide="on", unit="Văn phòng")
    assert client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert (profile.agency_id, profile.province_wide, profile.unit) == (
        administrator.staff_profile.agency_id, False, "Văn phòng"
    )


def test_a_province_administrator_manages_every_agency_but_not_their_own_scope(client, agency, other_head):
    province = factories.staff(
        agency=agency, roles=[ADMINISTRATOR, DEPARTMENT_HEAD], username="tinh", is_staff=True, province_wide=True
    )
    client.force_login(province)
    assert client.get(f"/admin/auth/user/{other_head.pk}/change/").status_code == 200
    response = _change(client, other_head, last_name="Phạm")
    assert response.status_code == 302
    assert User.objects.get(pk=other_head.pk).last_name == "Phạm"
    own = client.get(f"/admin/accounts/staffprofile/{province.staff_profile.pk}/change/")
    assert {"agency", "province_wide"} <= set(own.context["adminform"].readonly_fields)


def test_a_superuser_still_grants_everything(client, admin_user, officer):
    client.force_login(admin_user)
    response = _change(client, officer, is_superuser="on")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_superuser


def test_an_administrator_sees_the_save_button_on_other_accounts(client, head_administrator, officer):
    client.force_login(head_administrator)
    assert "Lưu lại" in client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()


def test_a_weak_password_is_refused_with_django_validators(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/auth/user/add/", {"username": "mai", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200  # the form again
    errors = " ".join(response.context["adminform"].form.errors.get("password2", []))
    assert errors == "Mật khẩu này quá phổ biến. Mật khẩu này hoàn toàn là số."
    assert not User.objects.filter(username="mai").exists()


def test_a_deactivated_stronger_account_still_outranks_the_administrator(client, administrator, agency):
    head = factories.staff(agency=agency, roles=[DEPARTMENT_HEAD], username="lanhdao-nghi", is_active=False)
    client.force_login(administrator)
    reactivated = client.post(f"/admin/auth/user/{head.pk}/change/", {"username": head.username, "is_active": "on"})
    assert reactivated.status_code == 403
    assert not User.objects.get(pk=head.pk).is_active
