"""Headers on every response: Permissions-Policy, and no caching of what a signed-in user sees."""

from __future__ import annotations

import pytest

from accounts.roles import COUNTER_OFFICER
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(agency):
    return factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="motcua")


@pytest.fixture
def dossier(procedure, officer):
    return factories.receive_dossier(procedure=procedure, actor=officer, applicant_name="Phạm Thị Hoa")


def test_pages_and_api_with_personal_data_are_not_stored(client, officer, dossier):
    client.force_login(officer)
    for path in ["/ho-so/", f"/ho-so/{dossier.code}/", "/api/v1/dossiers/", f"/api/v1/dossiers/{dossier.code}/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


def test_api_answers_to_a_token_are_not_stored(officer, dossier):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(officer)}")
    response = client.get("/api/v1/dossiers/")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert response["Cache-Control"] == "private, no-store"


def test_anonymous_public_answers_keep_their_own_caching(client):
    response = client.get("/api/v1/health/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/api/v1/health/", "/dang-nhap/", "/ho-so/", "/khong-co/"])
def test_every_response_sends_a_permissions_policy(client, path):
    policy = client.get(path)["Permissions-Policy"]
    features = dict(item.split("=") for item in policy.split(", "))
    assert features["camera"] == features["microphone"] == features["geolocation"] == "()"
