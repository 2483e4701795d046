"""Logging in: lockout after failed attempts (django-axes), API tokens, no Basic auth."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.roles import COUNTER_OFFICER
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"  # tests.factories.UserFactory


@pytest.fixture
def staff_user(agency):
    return factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="lan", is_staff=True)


def _login(client, path, username, password, ip="203.0.113.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("path", ["/dang-nhap/", "/admin/login/"])
def test_five_failures_lock_the_account_out_even_with_the_right_password(client, staff_user, path):
    for attempt in range(1, 5):
        response = _login(client, path, "lan", "sai-mat-khau")
        assert response.status_code == 200, attempt  # the form again, with its error
    locked = _login(client, path, "lan", "sai-mat-khau")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Tạm khóa đăng nhập" in html
    assert "sai 5 lần" in html and "15 phút" in html
    right = _login(client, path, "lan", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, staff_user):
    for _ in range(5):
        _login(client, "/dang-nhap/", "lan", "sai-mat-khau")
    assert _login(client, "/dang-nhap/", "lan", PASSWORD).status_code == 429
    # The same account from another address, and another account from this one, still log in.
    assert _login(client, "/dang-nhap/", "lan", PASSWORD, ip="198.51.100.9").status_code == 302
    client.logout()
    factories.UserFactory(username="mai")
    assert _login(client, "/dang-nhap/", "mai", PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, staff_user, frozen_now):
    for _ in range(5):
        _login(client, "/dang-nhap/", "lan", "sai-mat-khau")
    frozen_now.shift(dt.timedelta(minutes=14))
    assert _login(client, "/dang-nhap/", "lan", PASSWORD).status_code == 429  # ... which restarts the 15 minutes
    frozen_now.shift(dt.timedelta(minutes=14))
    assert _login(client, "/dang-nhap/", "lan", PASSWORD).status_code == 429
    frozen_now.shift(dt.timedelta(minutes=16))
    assert _login(client, "/dang-nhap/", "lan", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, staff_user):
    for _ in range(4):
        _login(client, "/dang-nhap/", "lan", "sai-mat-khau")
    assert _login(client, "/dang-nhap/", "lan", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "/dang-nhap/", "lan", "sai-mat-khau").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, staff_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/dang-nhap/", {"username": "lan", "password": "x"}, REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    blocked = client.post(
        "/dang-nhap/", {"username": "lan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    other_citizen = client.post(
        "/dang-nhap/", {"username": "lan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert (blocked.status_code, other_citizen.status_code) == (429, 302)


def test_api_accepts_a_token(staff_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(staff_user)}")
    assert client.get("/api/v1/dossiers/").status_code == 200
    staff_user.api_tokens.all().delete()  # revoked in the admin
    response = client.get("/api/v1/dossiers/")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


def test_api_refuses_basic_auth(staff_user):
    client = APIClient()
    basic = base64.b64encode(f"lan:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {basic}")
    assert client.get("/api/v1/dossiers/").status_code == 403


def test_tokens_are_managed_in_the_admin(client, admin_user, staff_user):
    client.force_login(admin_user)
    assert client.get("/admin/accounts/apitoken/").status_code == 200
    response = client.post("/admin/accounts/apitoken/add/", {"user": staff_user.pk, "name": "Cổng DVC"})
    assert response.status_code == 200  # the page that shows the key, once
    assert staff_user.api_tokens.get().name == "Cổng DVC"


def test_permissions_come_from_groups_and_the_user_in_one_query(staff_user, django_assert_num_queries):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="backdate_dossier"))
    user = get_user_model().objects.get(pk=staff_user.pk)
    with django_assert_num_queries(1):
        assert user.has_perm("dossiers.add_dossier")  # from the counter-officer group
        assert user.has_perm("dossiers.backdate_dossier")  # given to the user directly
        assert not user.has_perm("dossiers.finish_dossier")  # a specialist's
    user.is_active = False
    assert not user.has_perm("dossiers.add_dossier")


def test_superuser_has_every_permission(db):
    admin = factories.UserFactory(username="quantri", is_superuser=True)
    assert admin.has_perm("dossiers.finish_dossier") and admin.has_perm("procedures.change_procedure")


def test_token_brings_the_agency_with_the_user(staff_user, agency, django_assert_num_queries):
    from accounts.authentication import TokenAuthentication
    from accounts.scoping import user_agency

    key = factories.api_key(staff_user)
    with django_assert_num_queries(2):  # the token with its user, profile and agency; its last use
        user, _ = TokenAuthentication().authenticate_credentials(key)
        assert user_agency(user) == agency
    with django_assert_num_queries(1):  # the last use is written at most once a minute
        user, _ = TokenAuthentication().authenticate_credentials(key)
        assert user_agency(user) == agency


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Deactivating through save() revokes the tokens (accounts.signals); update() bypasses that.
        ("inactive", "Người dùng không còn hoạt động, hoặc đã bị xoá."),
        ("expired", "Mã truy cập đã hết hạn: hãy xin cấp mã mới."),
        ("unknown", "Mã truy cập không hợp lệ."),
    ],
)
def test_bad_token_is_refused(staff_user, change, message, frozen_now, settings):
    key = factories.api_key(staff_user)
    if change == "inactive":
        type(staff_user).objects.filter(pk=staff_user.pk).update(is_active=False)
    elif change == "expired":
        frozen_now.shift(dt.timedelta(days=settings.API_TOKEN_TTL_DAYS))
    else:
        key = "0" * 40
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/dossiers/")
    # 403, not 401: session authentication comes first and sends no WWW-Authenticate challenge.
    assert response.status_code == 403
    assert response.json()["detail"] == message


def test_session_user_brings_the_agency(client, staff_user, agency, django_assert_num_queries):
    from django.contrib.auth import get_user

    from accounts.scoping import user_agency

    client.force_login(staff_user)
    request = type("Request", (), {"session": client.session})()
    with django_assert_num_queries(2):  # the session row, then the user with profile and agency
        assert user_agency(get_user(request)) == agency
