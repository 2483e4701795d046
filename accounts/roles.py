"""The roles of a one-stop office, as Django groups with explicit permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

COUNTER_OFFICER = "Cán bộ một cửa"
SPECIALIST = "Chuyên viên xử lý"
DEPARTMENT_HEAD = "Lãnh đạo"
STATISTICS = "Thống kê"
ADMINISTRATOR = "Quản trị"

_CATALOGUE = ["agency", "field", "procedure", "calendaroverride"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    COUNTER_OFFICER: [
        "dossiers.view_dossier", "dossiers.add_dossier", "dossiers.change_dossier",
        "apology_letters.view_apologyletter",
    ],
    SPECIALIST: [
        "dossiers.view_dossier", "dossiers.change_dossier",
        "apology_letters.view_apologyletter", "apology_letters.add_apologyletter",
    ],
    DEPARTMENT_HEAD: [
        "dossiers.view_dossier", "dossiers.add_dossier", "dossiers.change_dossier", "dossiers.backdate_dossier",
        "apology_letters.view_apologyletter", "apology_letters.add_apologyletter",
        "apology_letters.change_apologyletter", "apology_letters.issue_apologyletter",
    ],
    STATISTICS: ["dossiers.view_dossier", "apology_letters.view_apologyletter"],
    ADMINISTRATOR: [
        *(f"procedures.{verb}_{model}" for model in _CATALOGUE for verb in ("view", "add", "change", "delete")),
        "auth.view_user", "auth.add_user", "auth.change_user",
        "accounts.view_staffprofile", "accounts.add_staffprofile", "accounts.change_staffprofile",
    ],
}


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or refresh every role group; running it twice changes nothing."""
    groups = {}
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
        groups[name] = group
    return groups
