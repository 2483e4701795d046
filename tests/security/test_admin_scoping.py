"""The admin's data is agency-scoped, and dossiers, letters and feedback are read-only there.

A department head of agency A with `is_staff` (the issue's probe) against agency B's rows; the
province-wide head and the superuser see both agencies, and still change nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from apology_letters.models import ApologyLetter
from dossiers.models import Dossier
from feedback.models import FeedbackItem, SatisfactionRating
from tests.security.test_access_matrix_more import FeedbackWorld

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def world():
    world = FeedbackWorld()
    User.objects.filter(pk__in=[user.pk for user in world.users.values()]).update(is_staff=True)
    for name, user in world.users.items():
        world.users[name] = User.objects.get(pk=user.pk)
    return world


def _objects(world, side):
    """(admin URL prefix, pk) of one dossier, letter, feedback item and rating of `side`."""
    letter = world.letter(side)
    item = FeedbackItem.objects.get(code=world.make("item", side))
    return {
        "dossiers/dossier": letter.dossier_id,
        "apology_letters/apologyletter": letter.pk,
        "feedback/feedbackitem": item.pk,
        "feedback/satisfactionrating": world.make("rating", side),
    }


def test_a_head_reaches_no_other_agencys_rows_in_the_admin(world, client):
    own, foreign = _objects(world, "a"), _objects(world, "b")
    client.force_login(world.users["head"])
    for prefix, pk in foreign.items():
        listing = client.get(f"/admin/{prefix}/")
        assert listing.status_code == 200, prefix
        shown = {obj.pk for obj in listing.context["cl"].result_list}
        assert pk not in shown and own[prefix] in shown, prefix
        for suffix in ["change/", "history/", "delete/"]:
            assert client.get(f"/admin/{prefix}/{pk}/{suffix}").status_code == 404, (prefix, suffix)
        model = listing.context["cl"].model
        version = model.history.filter(pk=pk).first()
        if version is not None:
            page = client.get(f"/admin/{prefix}/{pk}/history/{version.history_id}/")
            assert page.status_code == 404, prefix


def test_the_dossier_search_finds_no_other_agencys_applicant(world, client):
    foreign = world.dossier("b")
    world.dossier("a")
    client.force_login(world.users["head"])
    listing = client.get("/admin/dossiers/dossier/", {"q": foreign.applicant_phone})
    assert foreign.code not in listing.content.decode()
    assert listing.context["cl"].result_count == 1  # the own dossier (both applicants share the phone)


def test_dossiers_and_letters_are_read_only_even_for_a_head(world, client):
    letter = world.letter("a")
    dossier = letter.dossier
    client.force_login(world.users["head"])
    page = client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200 and "Lưu lại" not in page.content.decode()
    changed = client.post(
        f"/admin/dossiers/dossier/{dossier.pk}/change/", {"applicant_name": "Tên khác", "applicant_phone": "0900000000"}
    )
    assert changed.status_code == 403
    posted = client.post(
        f"/admin/apology_letters/apologyletter/{letter.pk}/change/", {"status": "issued", "signer_name": "Người khác"}
    )
    assert posted.status_code == 403
    assert client.get("/admin/dossiers/dossier/add/").status_code == 403
    assert client.post(f"/admin/dossiers/dossier/{dossier.pk}/delete/", {"post": "yes"}).status_code == 403
    dossier.refresh_from_db()
    letter.refresh_from_db()
    assert dossier.applicant_name != "Tên khác" and letter.status == ApologyLetter.Status.DRAFT
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_history_versions_are_not_a_revert_door(world, client):
    dossier = world.dossier("a")
    version = dossier.history.last()
    client.force_login(world.users["head"])
    url = f"/admin/dossiers/dossier/{dossier.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200  # reading an old version is fine
    assert client.post(url, {}).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == dossier.status


@pytest.mark.parametrize("principal", ["province_head", "superuser"])
def test_province_level_accounts_see_both_agencies_but_change_nothing(world, client, principal, admin_user):
    own, foreign = _objects(world, "a"), _objects(world, "b")
    client.force_login(admin_user if principal == "superuser" else world.users[principal])
    for prefix in foreign:
        shown = {obj.pk for obj in client.get(f"/admin/{prefix}/").context["cl"].result_list}
        assert {own[prefix], foreign[prefix]} <= shown, prefix
        page = client.get(f"/admin/{prefix}/{foreign[prefix]}/change/")
        assert page.status_code == 200 and "Lưu lại" not in page.content.decode(), prefix
    assert SatisfactionRating.objects.count() == 2


def test_the_dossier_changelist_costs_the_same_for_ten_rows(world, client, django_assert_max_num_queries):
    for _ in range(10):
        world.dossier("a")
    client.force_login(world.users["head"])
    with django_assert_max_num_queries(12):
        listing = client.get("/admin/dossiers/dossier/")
    assert listing.context["cl"].result_count == 10
