"""Shared fixtures. Every test runs with time frozen, fast hashing and a local cache."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from procedures import calendar
from procedures.calendar import VN_TZ
from tests import factories

# A Wednesday morning in office hours, the instant every test starts at unless it says otherwise.
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CALENDAR_VERSION_CHECK_SECONDS = 0
    # Tests move the clock days ahead to reach deadlines with a signed-in client: sessions do not
    # time out unless a test asks (tests/accounts/test_sessions.py sets the real limits).
    settings.SESSION_IDLE_TIMEOUT = settings.SESSION_COOKIE_AGE = 365 * 24 * 3600
    # whitenoise warns that STATIC_ROOT is missing until `collectstatic` has run; tests never need it.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as `make run` prepares one: migrated, plus the database cache table.

    Tests use the local-memory cache (pytest_configure); the table is there for the tests that
    exercise the production default, the database cache.
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", "django_cache", verbosity=0)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.fixture
def admin_client(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.fixture
def procedure(agency):
    return factories.ProcedureFactory(field__agency=agency)


@pytest.fixture
def officer(agency):
    from accounts.roles import COUNTER_OFFICER

    return factories.staff(agency=agency, roles=[COUNTER_OFFICER], username="motcua")


@pytest.fixture
def head(agency):
    from accounts.roles import DEPARTMENT_HEAD

    return factories.staff(agency=agency, roles=[DEPARTMENT_HEAD], username="lanhdao")


@pytest.fixture
def officer_client(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client
