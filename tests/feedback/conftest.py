"""Fixtures for the feedback tests: returned dossiers, staff of two agencies, a clean cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, SPECIALIST, STATISTICS
from dossiers.services import dossier_finish, dossier_return
from procedures.calendar import VN_TZ
from tests import factories


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


def returned(*, procedure, actor, **fields):
    """A dossier received, finished and returned now (move the frozen clock to choose when)."""
    dossier = factories.receive_dossier(procedure=procedure, actor=actor, **fields)
    dossier_finish(dossier=dossier, actor=actor)
    return dossier_return(dossier=dossier, actor=actor)


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


SCORES = {"information_score": 5, "attitude_score": 4, "timeliness_score": 4, "result_score": 5}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the public pages' rate limiter counts in the cache
    yield
    cache.clear()


@pytest.fixture
def specialist(agency):
    return factories.staff(agency=agency, roles=[SPECIALIST], username="chuyenvien")


@pytest.fixture
def statistician(agency):
    return factories.staff(agency=agency, roles=[STATISTICS], username="thongke")


@pytest.fixture
def returned_dossier(procedure, head):
    return returned(procedure=procedure, actor=head, applicant_phone="0912345678")


@pytest.fixture
def other_agency(db):
    return factories.AgencyFactory(code="PGDDT-KHAC", name="Phòng GD&ĐT huyện Khác")


@pytest.fixture
def other_head(other_agency):
    return factories.staff(agency=other_agency, roles=[DEPARTMENT_HEAD], username="lanhdao-khac")


@pytest.fixture
def other_officer(other_agency):
    return factories.staff(agency=other_agency, roles=[COUNTER_OFFICER], username="motcua-khac")


@pytest.fixture
def other_procedure(other_agency):
    return factories.ProcedureFactory(field__agency=other_agency)


@pytest.fixture
def other_returned(other_procedure, other_head):
    return returned(procedure=other_procedure, actor=other_head)
