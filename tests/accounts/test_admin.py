"""The user admin: a non-superuser administrator manages other accounts, never escalates."""

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


def test_administrator_manages_another_account_but_grants_no_superuser(client, administrator, officer):
    client.force_login(administrator)
    head = Group.objects.get(name=DEPARTMENT_HEAD)
    response = _change(client, officer, is_superuser="on", groups=[str(head.pk)], last_name="Trần")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.last_name == "Trần"
    assert list(officer.groups.values_list("name", flat=True)) == [DEPARTMENT_HEAD]
    assert not officer.is_superuser
    assert officer.history.first().history_user == administrator


def test_a_superuser_account_is_out_of_an_administrators_reach(client, administrator):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(administrator)
    assert client.post(f"/admin/auth/user/{root.pk}/password/", {}).status_code == 403
    assert client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/auth/user/{administrator.pk}/delete/", {"post": "yes"}).status_code == 403
    page = client.get(f"/admin/auth/user/{root.pk}/change/")
    assert page.status_code == 200 and "Lưu lại" not in page.content.decode()  # view only
    assert User.objects.filter(pk__in=[root.pk, administrator.pk]).count() == 2


def test_a_superuser_still_grants_everything(client, admin_user, officer):
    client.force_login(admin_user)
    response = _change(client, officer, is_superuser="on")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_superuser


def test_an_administrator_sees_the_save_button_on_other_accounts(client, administrator, officer):
    client.force_login(administrator)
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
