"""API tokens: stored as digests and shown once, with an expiry and a last use; issued only by
their owner or a superuser, never for a superuser; listed and revoked in the admin within the
administrator's agency; revoked when the password changes or the account is deactivated."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.roles import ADMINISTRATOR, COUNTER_OFFICER
from tests import factories
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
LIST = "/admin/accounts/apitoken/"
ADD = "/admin/accounts/apitoken/add/"


@pytest.fixture
def officer(agency):
    return factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="motcua")


@pytest.fixture
def administrator(agency):
    return factories.staff(agency=agency, roles=[ADMINISTRATOR], username="quantri", is_staff=True)


@pytest.fixture
def foreign_officer(db):
    return factories.staff(agency=factories.AgencyFactory(), roles=[COUNTER_OFFICER], username="khac")


def _api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _works(key) -> bool:
    return _api(key).get("/api/v1/procedures/").status_code == 200


def test_only_a_digest_is_stored_and_the_last_use_is_recorded(officer, frozen_now, settings):
    key = factories.api_key(officer)
    token = ApiToken.objects.get()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert key not in stored and token.digest != key and token.prefix == key[:8]
    assert token.expires - token.created == dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert token.last_used is None
    assert _works(key)
    token.refresh_from_db()
    assert token.last_used == NOW
    frozen_now.shift(dt.timedelta(days=settings.API_TOKEN_TTL_DAYS, seconds=-1))
    assert _works(key)
    frozen_now.shift(dt.timedelta(seconds=1))
    assert not _works(key)  # expired


def test_the_admin_lists_tokens_without_keys_and_shows_a_new_key_once(client, administrator):
    key = factories.api_key(administrator, name="Cổng DVC")
    client.force_login(administrator)
    listing = client.get(LIST).content.decode()
    assert key[:8] in listing and "Cổng DVC" in listing
    assert key not in listing
    issued = client.post(ADD, {"user": administrator.pk, "name": "Báo cáo tỉnh"})
    assert issued.status_code == 200
    assert issued["Cache-Control"] == "private, no-store"
    new = ApiToken.objects.get(name="Báo cáo tỉnh")
    new_key = issued.context["key"]
    assert new_key in issued.content.decode() and new.created_by == administrator
    assert _works(new_key)
    assert new_key not in client.get(LIST).content.decode()
    assert new_key not in client.get(f"{LIST}{new.pk}/change/").content.decode()


def test_an_administrator_issues_tokens_only_for_themselves(client, administrator, officer, admin_user):
    client.force_login(administrator)
    for someone in (officer, admin_user):
        response = client.post(ADD, {"user": someone.pk})
        assert response.status_code == 200 and "user" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_a_superuser_issues_for_others_but_nobody_for_a_superuser(client, admin_user, officer):
    client.force_login(admin_user)
    assert client.post(ADD, {"user": officer.pk}).status_code == 200
    assert officer.api_tokens.count() == 1
    refused = client.post(ADD, {"user": admin_user.pk})
    assert "user" in refused.context["adminform"].form.errors
    assert not admin_user.api_tokens.exists()
    from django.core.exceptions import ValidationError

    from accounts.tokens import api_token_issue

    with pytest.raises(ValidationError, match="superuser"):
        api_token_issue(user=admin_user, actor=admin_user)


def test_an_administrator_sees_and_revokes_only_their_agency_tokens(
    client, administrator, officer, foreign_officer, admin_user, django_assert_max_num_queries
):
    own = _issue(officer)
    foreign = _issue(foreign_officer)
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        listing = client.get(LIST)
    assert list(listing.context["cl"].queryset) == [own]
    assert client.get(f"{LIST}{foreign.pk}/delete/").status_code == 302  # "does not exist": back to the list
    client.post(f"{LIST}{foreign.pk}/delete/", {"post": "yes"})
    client.post(LIST, {"action": "delete_selected", "_selected_action": [own.pk, foreign.pk], "post": "yes"})
    assert list(ApiToken.objects.all()) == [foreign]


def _issue(user):
    from accounts.tokens import api_token_issue

    return api_token_issue(user=user, actor=user).token


def test_the_list_costs_the_same_whatever_the_number_of_tokens(client, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_user)
    users = [factories.UserFactory() for _ in range(3)]
    _issue(users[0])
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for user in users[1:]:
        _issue(user)
    with CaptureQueriesContext(connection) as three:
        client.get(LIST)
    assert len(three) == len(one)


@pytest.mark.parametrize("usable", ["true", "false"], ids=["new-password", "unusable-password"])
def test_a_password_change_in_the_admin_revokes_the_tokens(client, admin_user, officer, usable):
    key = factories.api_key(officer)
    assert _works(key)
    client.force_login(admin_user)
    data = {"password1": "mat-khau-moi-2026!", "password2": "mat-khau-moi-2026!", "usable_password": usable}
    data["set-password" if usable == "true" else "unset-password"] = "1"  # the button pressed
    response = client.post(f"/admin/auth/user/{officer.pk}/password/", data)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.has_usable_password() is (usable == "true")
    assert not officer.api_tokens.exists()
    assert not _works(key)


def test_deactivation_in_the_admin_revokes_the_tokens(client, admin_user, officer):
    from tests.security.test_audit import admin_post_data

    key = factories.api_key(officer)
    client.force_login(admin_user)
    url = f"/admin/auth/user/{officer.pk}/change/"
    data = admin_post_data(client.get(url))
    data.pop("is_active", None)
    assert client.post(url, data).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert not _works(key)


def test_saves_that_leave_the_password_alone_keep_the_tokens(officer):
    key = factories.api_key(officer)
    officer.first_name = "Hoa"
    officer.save()
    officer.save(update_fields=["last_login"])
    assert _works(key)
    officer.set_password("mat-khau-khac-2026")
    officer.save()
    assert not _works(key)


def test_the_command_prints_a_key_once_and_refuses_superusers(officer, admin_user):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "motcua", "--name=Cổng DVC", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert _works(key)
    assert officer.api_tokens.get().created_by is None  # issued on the server
    with pytest.raises(CommandError, match="superuser"):
        call_command("create_api_token", admin_user.username, stdout=out, stderr=err)
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("create_api_token", "khong-co", stdout=out, stderr=err)
