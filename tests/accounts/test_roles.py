"""Role groups: created by `migrate`, complete, and mapped to the dossier actions in one place."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, ROLE_PERMISSIONS, SPECIALIST, ensure_roles
from dossiers.models import DossierEvent
from dossiers.permissions import ACTION_PERMISSIONS

pytestmark = pytest.mark.django_db
E = DossierEvent.Type


def _codes(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_created_every_role_with_all_its_permissions():
    # No ensure_roles() here: the test database was built by `migrate` alone.
    for name, codes in ROLE_PERMISSIONS.items():
        assert _codes(Group.objects.get(name=name)) == set(codes), name


def test_ensure_roles_is_strict_about_unknown_permissions(monkeypatch):
    monkeypatch.setitem(ROLE_PERMISSIONS, COUNTER_OFFICER, ["dossiers.fly_dossier"])
    with pytest.raises(Permission.DoesNotExist, match="fly_dossier"):
        ensure_roles()
    assert ensure_roles(missing_ok=True)[COUNTER_OFFICER].permissions.count() == 0


def test_the_data_migration_creates_groups_before_post_migrate_runs():
    """What a fresh database gets from the migration itself, permissions included."""
    Group.objects.all().delete()
    Permission.objects.filter(content_type__app_label="dossiers").delete()
    state = MigrationExecutor(connection).loader.project_state(("accounts", "0002_role_groups"))
    migration = importlib.import_module("accounts.migrations.0002_role_groups")
    migration.create_role_groups(state.apps, SimpleNamespace(connection=connection))  # it needs no DDL
    assert _codes(Group.objects.get(name=SPECIALIST)) >= {"dossiers.transfer_dossier", "dossiers.finish_dossier"}
    assert _codes(Group.objects.get(name=DEPARTMENT_HEAD)) >= {"dossiers.backdate_dossier", "dossiers.refuse_dossier"}


def test_counter_officer_and_specialist_split_the_lifecycle():
    groups = {name: _codes(Group.objects.get(name=name)) for name in (COUNTER_OFFICER, SPECIALIST, DEPARTMENT_HEAD)}
    counter = {kind for kind, perm in ACTION_PERMISSIONS.items() if perm in groups[COUNTER_OFFICER]}
    specialist = {kind for kind, perm in ACTION_PERMISSIONS.items() if perm in groups[SPECIALIST]}
    head = {kind for kind, perm in ACTION_PERMISSIONS.items() if perm in groups[DEPARTMENT_HEAD]}
    # Both transfer: the counter hands a dossier to its unit, the unit passes it on.
    assert counter == {E.RECEIVED, E.TRANSFERRED, E.SUPPLEMENT_RECEIVED, E.RETURNED, E.REFUSED, E.WITHDRAWN}
    assert specialist == {E.TRANSFERRED, E.SUPPLEMENT_REQUESTED, E.SUSPENDED, E.RESUMED, E.RESULT_READY}
    assert head == set(ACTION_PERMISSIONS)


def test_every_lifecycle_action_has_a_permission():
    from dossiers.services import TRANSITIONS

    assert set(TRANSITIONS) | {E.RECEIVED} == set(ACTION_PERMISSIONS)
    for permission in ACTION_PERMISSIONS.values():
        app_label, codename = permission.split(".")
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()
