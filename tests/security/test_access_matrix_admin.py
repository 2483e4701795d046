"""The access matrix, continued: the Django admin, every registered model, two agencies.

The admin follows the API's rules (README "Roles"): for every staff account that is not
province-wide, another agency's row is a 404 on its change and history pages, whatever the
role, and is never listed; a model with no agency (groups, login attempts) is for superusers
only; province-wide accounts and superusers reach both agencies. Every principal here has
`is_staff`, the worst case. A newly registered model fails `test_every_registered_model_is_in_the_matrix`
until it is added here.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from feedback.models import FeedbackItem
from privacy.models import PersonalDataAccess
from procedures.models import CalendarOverride
from tests import factories
from tests.security.test_access_matrix import PROVINCE_WIDE, ROLES
from tests.security.test_access_matrix_more import FeedbackWorld

pytestmark = pytest.mark.django_db
User = get_user_model()

# Models of agency data: label -> the agency-B row the matrix tries to reach.
FOREIGN = {
    "dossiers.dossier": lambda world: world.dossier("b").pk,
    "apology_letters.apologyletter": lambda world: world.letter("b").pk,
    "feedback.feedbackitem": lambda world: FeedbackItem.objects.get(code=world.make("item", "b")).pk,
    "feedback.satisfactionrating": lambda world: world.make("rating", "b"),
    "feedback.surveyplan": lambda world: world.make("plan", "b"),
    "procedures.agency": lambda world: world.b.pk,
    "procedures.field": lambda world: world.proc["b"].field_id,
    "procedures.procedure": lambda world: world.proc["b"].pk,
    "procedures.calendaroverride": lambda world: factories.CalendarOverrideFactory(
        date="2026-12-02", agency=world.b
    ).pk,
    "auth.user": lambda world: world.heads["b"].pk,
    "accounts.staffprofile": lambda world: world.heads["b"].staff_profile.pk,
    "privacy.personaldataaccess": lambda world: PersonalDataAccess.objects.create(
        username=world.heads["b"].username, user=world.heads["b"], agency=world.b, dossier_code="B-1",
        kind=PersonalDataAccess.Kind.choices[0][0], source=PersonalDataAccess.Source.choices[0][0],
    ).pk,
}
# Models with no agency: only a superuser holds their permissions.
GLOBAL = {"auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
LOCAL_STAFF = list(ROLES)


def _is_token_model(label: str) -> bool:
    """API tokens have their own admin and tests (accounts/admin_tokens.py): owner or superuser."""
    return label.startswith(("authtoken.", "knox.")) or "token" in label.split(".")[1]


def _registered() -> dict[str, type]:
    return {model._meta.label_lower: model for model in admin.site._registry}


@pytest.fixture
def world():
    world = FeedbackWorld()
    User.objects.filter(pk__in=[user.pk for user in world.users.values()]).update(is_staff=True)
    world.users = {name: User.objects.get(pk=user.pk) for name, user in world.users.items()}
    return world


def test_every_registered_model_is_in_the_matrix():
    unknown = {label for label in _registered() if label not in FOREIGN and label not in GLOBAL}
    assert {label for label in unknown if not _is_token_model(label)} == set()


def _url(label: str, suffix: str = "") -> str:
    app, model = label.split(".")
    return f"/admin/{app}/{model}/{suffix}"


@pytest.mark.parametrize("principal", LOCAL_STAFF)
def test_no_local_account_reaches_another_agencys_row_in_the_admin(world, client, principal):
    foreign = {label: make(world) for label, make in FOREIGN.items()}
    client.force_login(world.users[principal])
    observed, expected = {}, {}
    for label, pk in foreign.items():
        listing = client.get(_url(label))
        listed = listing.status_code == 200 and pk in {row.pk for row in listing.context["cl"].result_list}
        observed[label] = (
            listing.status_code in {200, 403}, listed,
            client.get(_url(label, f"{pk}/change/")).status_code,
            client.get(_url(label, f"{pk}/history/")).status_code,
            client.post(_url(label, f"{pk}/delete/"), {"post": "yes"}).status_code,
        )
        expected[label] = (True, False, 404, 404, 404)
    for label in GLOBAL:
        observed[label] = client.get(_url(label)).status_code
        expected[label] = 403
    assert observed == expected
    assert CalendarOverride.objects.filter(pk=foreign["procedures.calendaroverride"]).exists()


@pytest.mark.parametrize("principal", [*PROVINCE_WIDE, "superuser"])
def test_province_level_accounts_reach_both_agencies_in_the_admin(world, client, principal, admin_user):
    foreign = {label: make(world) for label, make in FOREIGN.items()}
    user = admin_user if principal == "superuser" else world.users[principal]
    client.force_login(user)
    for label, pk in foreign.items():
        model = _registered()[label]
        may_view = user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}") or user.has_perm(
            f"{model._meta.app_label}.change_{model._meta.model_name}"
        )
        listing = client.get(_url(label))
        change = client.get(_url(label, f"{pk}/change/"))
        if may_view:
            assert listing.status_code == 200 and change.status_code == 200, label
            assert pk in {row.pk for row in listing.context["cl"].result_list}, label
        else:
            assert (listing.status_code, change.status_code) == (403, 403), label
    for label in GLOBAL:
        assert client.get(_url(label)).status_code == (200 if principal == "superuser" else 403), label
