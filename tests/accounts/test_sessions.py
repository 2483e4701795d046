"""Staff sessions: signed out after 30 idle minutes, and 12 hours after the login however busy."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.roles import COUNTER_OFFICER
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _production_limits(settings):
    import config.settings

    settings.SESSION_IDLE_TIMEOUT = config.settings.SESSION_IDLE_TIMEOUT
    settings.SESSION_COOKIE_AGE = config.settings.SESSION_COOKIE_AGE


@pytest.fixture
def signed_in(client, agency):
    factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="lan")
    assert client.post("/dang-nhap/", {"username": "lan", "password": PASSWORD}).status_code == 302
    return client


def _signed_in(client) -> bool:
    return client.get("/ho-so/").status_code == 200


def test_the_defaults():
    import config.settings

    assert config.settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert config.settings.SESSION_COOKIE_AGE == 12 * 3600


def test_thirty_idle_minutes_sign_out(signed_in, frozen_now):
    frozen_now.shift(dt.timedelta(minutes=29))
    assert _signed_in(signed_in)  # activity: the idle clock starts again
    frozen_now.shift(dt.timedelta(minutes=29))
    assert _signed_in(signed_in)
    frozen_now.shift(dt.timedelta(minutes=30, seconds=1))
    response = signed_in.get("/ho-so/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert "_auth_user_id" not in signed_in.session
    assert signed_in.get("/api/v1/dossiers/").status_code == 403  # the API's session is gone too


def test_a_busy_session_ends_twelve_hours_after_the_login(signed_in, frozen_now):
    for _ in range(12 * 3 - 1):  # a request every 20 minutes
        frozen_now.shift(dt.timedelta(minutes=20))
        assert _signed_in(signed_in)
    frozen_now.shift(dt.timedelta(minutes=20, seconds=1))
    assert not _signed_in(signed_in)


def test_the_idle_timeout_is_a_setting(signed_in, frozen_now, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    frozen_now.shift(dt.timedelta(minutes=5, seconds=1))
    assert not _signed_in(signed_in)


def test_a_session_without_the_stamps_signs_in_again(client, agency):
    """Sessions opened before this change carry no login instant."""
    user = factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="lan")
    client.force_login(user)
    session = client.session
    del session["_login_at"]
    session.save()
    assert not _signed_in(client)
