"""Processing actions are bound to the unit: the counter hands a dossier over, the unit acts on it.

The rule (dossiers/permissions.py): an account whose staff profile names a unit records
transfer, supplement requests, suspend/resume and the result only on dossiers now at that unit.
Heads, superusers and accounts with no unit act on every dossier of their agency.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import StaffProfile
from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, SPECIALIST
from dossiers import services
from dossiers.models import Dossier
from dossiers.permissions import can_act, permitted_actions
from tests import factories

pytestmark = pytest.mark.django_db
ONE_STOP = "Bộ phận Một cửa"
EXAMS = "Phòng Khảo thí"


def _person(agency, username, roles, unit):
    user = factories.staff(agency=agency, roles=roles, username=username)
    StaffProfile.objects.filter(user=user).update(unit=unit)
    return type(user).objects.select_related("staff_profile").get(pk=user.pk)


@pytest.fixture
def people(agency):
    return {
        "counter": _person(agency, "motcua", [COUNTER_OFFICER], ONE_STOP),
        "exams": _person(agency, "khaothi", [SPECIALIST], EXAMS),
        "other_unit": _person(agency, "vanbang", [SPECIALIST], "Phòng Văn bằng"),
        "no_unit": _person(agency, "kiemnhiem", [SPECIALIST], ""),
        "head": _person(agency, "lanhdao", [DEPARTMENT_HEAD], "Ban Giám đốc"),
    }


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_counter_hands_over_then_only_that_unit_processes(procedure, people):
    dossier = factories.receive_dossier(procedure=procedure, actor=people["counter"])
    url = f"/api/v1/dossiers/{dossier.code}/"

    early = _client(people["exams"]).post(f"{url}finish/", {}, format="json")
    assert early.status_code == 403  # still at the counter
    assert early.json() == {"detail": f"Hồ sơ đang ở {ONE_STOP}, không phải {EXAMS} của bạn."}

    handed = _client(people["counter"]).post(f"{url}transfer/", {"to_unit": "  phòng khảo  thí "}, format="json")
    assert handed.status_code == 200, handed.json()
    again = _client(people["counter"]).post(f"{url}transfer/", {"to_unit": "Phòng Văn bằng"}, format="json")
    assert again.status_code == 403  # no longer at the counter

    assert _client(people["other_unit"]).post(f"{url}finish/", {}, format="json").status_code == 403
    done = _client(people["exams"]).post(f"{url}finish/", {"result_note": "Đã cấp"}, format="json")
    assert done.status_code == 200, done.json()
    assert Dossier.objects.get(pk=dossier.pk).status == "result_ready"


def test_heads_and_accounts_without_a_unit_act_anywhere_in_the_agency(procedure, people):
    for name in ("head", "no_unit"):
        dossier = factories.receive_dossier(procedure=procedure, actor=people["counter"])
        response = _client(people[name]).post(f"/api/v1/dossiers/{dossier.code}/suspend/", {"reason": "Xác minh"},
                                              format="json")
        assert response.status_code == 200, (name, response.json())


def test_counter_actions_are_not_bound_to_the_unit(procedure, people):
    dossier = factories.receive_dossier(procedure=procedure, actor=people["counter"])
    services.dossier_transfer(dossier=dossier, actor=people["counter"], to_unit=EXAMS)
    services.dossier_finish(dossier=dossier, actor=people["exams"])
    response = _client(people["counter"]).post(f"/api/v1/dossiers/{dossier.code}/return/", {}, format="json")
    assert response.status_code == 200  # the result comes back to the counter wherever it was made


def test_the_page_offers_only_what_the_unit_may_do(client, procedure, people):
    dossier = factories.receive_dossier(procedure=procedure, actor=people["counter"])
    assert "transferred" in permitted_actions(people["counter"], services.allowed_actions(dossier), dossier)
    assert permitted_actions(people["exams"], services.allowed_actions(dossier), dossier) == []
    assert can_act(people["exams"], "result_ready")  # the role may, in general

    client.force_login(people["exams"])
    page = client.post(f"/ho-so/{dossier.code}/thao-tac/result_ready/", {"result_ready-result_note": "x"})
    assert page.status_code == 403
    assert f"Hồ sơ đang ở {ONE_STOP}, không phải {EXAMS} của bạn." in page.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == "in_progress"


def test_the_transfer_form_suggests_the_agencys_units(client, procedure, people):
    other = factories.AgencyFactory(code="KHAC")
    _person(other, "nguoi_khac", [SPECIALIST], "Phòng Bí mật")  # another agency's unit stays hidden
    dossier = factories.receive_dossier(procedure=procedure, actor=people["counter"])
    client.force_login(people["counter"])
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert 'list="id_transferred-to_unit_options"' in page
    options = page.split('<datalist id="id_transferred-to_unit_options">')[1].split("</datalist>")[0]
    assert options == "".join(
        f'<option value="{unit}">' for unit in sorted(["Ban Giám đốc", ONE_STOP, EXAMS, "Phòng Văn bằng"])
    )


def test_the_service_rechecks_the_unit_on_the_locked_row(procedure, people):
    """A transfer committed between the permission check and the service: the service refuses."""
    from django.core.exceptions import PermissionDenied

    from dossiers.models import DossierEvent

    dossier = factories.receive_dossier(procedure=procedure, actor=people["counter"])
    services.dossier_transfer(dossier=dossier, actor=people["counter"], to_unit=EXAMS)
    seen = Dossier.objects.get(pk=dossier.pk)  # what the permission check saw: at the exams unit
    assert can_act(people["exams"], "suspended", seen)
    moved = Dossier.objects.get(pk=dossier.pk)
    services.dossier_transfer(dossier=moved, actor=people["head"], to_unit="Phòng Văn bằng")

    with pytest.raises(PermissionDenied) as refused:
        services.dossier_suspend(dossier=seen, actor=people["exams"], reason="Chờ xác minh")
    assert str(refused.value) == f"Hồ sơ đang ở Phòng Văn bằng, không phải {EXAMS} của bạn."
    assert not DossierEvent.objects.filter(dossier=dossier, type="suspended").exists()
