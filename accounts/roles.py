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

_COUNTER_ACTIONS = ["receive_supplement", "return", "refuse", "withdraw"]
_PROCESSING_ACTIONS = ["transfer", "request_supplement", "suspend", "finish"]
# The counter hands each dossier over to the unit that processes it (transfer); what a unit
# may then do is limited to the dossiers at that unit (dossiers.permissions).

ROLE_PERMISSIONS: dict[str, list[str]] = {
    COUNTER_OFFICER: [
        "dossiers.view_dossier", "dossiers.add_dossier", "dossiers.transfer_dossier",
        *(f"dossiers.{verb}_dossier" for verb in _COUNTER_ACTIONS),
        "apology_letters.view_apologyletter",
        "feedback.view_satisfactionrating", "feedback.add_satisfactionrating",
        "feedback.view_feedbackitem", "feedback.add_feedbackitem",
    ],
    SPECIALIST: [
        "dossiers.view_dossier",
        *(f"dossiers.{verb}_dossier" for verb in _PROCESSING_ACTIONS),
        "apology_letters.view_apologyletter", "apology_letters.add_apologyletter",
        "feedback.view_feedbackitem", "feedback.change_feedbackitem",
    ],
    DEPARTMENT_HEAD: [
        "dossiers.view_dossier", "dossiers.add_dossier", "dossiers.change_dossier", "dossiers.backdate_dossier",
        *(f"dossiers.{verb}_dossier" for verb in _COUNTER_ACTIONS + _PROCESSING_ACTIONS),
        "dossiers.view_historicaldossier",
        "apology_letters.view_apologyletter", "apology_letters.add_apologyletter",
        "apology_letters.change_apologyletter", "apology_letters.issue_apologyletter",
        "feedback.view_satisfactionrating", "feedback.add_satisfactionrating",
        "feedback.view_feedbackitem", "feedback.add_feedbackitem", "feedback.change_feedbackitem",
        "feedback.view_surveyplan", "feedback.add_surveyplan", "feedback.change_surveyplan",
        "feedback.export_surveyplan",
    ],
    STATISTICS: [
        "dossiers.view_dossier", "apology_letters.view_apologyletter",
        "feedback.view_satisfactionrating", "feedback.view_feedbackitem",
        "feedback.view_surveyplan", "feedback.change_surveyplan", "feedback.export_surveyplan",
    ],
    ADMINISTRATOR: [
        *(f"procedures.{verb}_{model}" for model in _CATALOGUE for verb in ("view", "add", "change", "delete")),
        "auth.view_user", "auth.add_user", "auth.change_user",
        "accounts.view_staffprofile", "accounts.add_staffprofile", "accounts.change_staffprofile",
        "accounts.view_apitoken", "accounts.add_apitoken", "accounts.delete_apitoken",
        "privacy.view_personaldataaccess",  # the access log, scoped to the agency (privacy/admin.py)
    ],
}


def ensure_roles(*, apps=None, missing_ok: bool = False) -> dict:
    """Create or refresh every role group; running it twice changes nothing.

    `apps` is a migration state (data migrations, post_migrate); by default the live models.
    With `missing_ok`, permissions not created yet are skipped instead of raising, which is
    what a half-migrated database needs; the post_migrate pass then completes the groups.
    """
    group_model = apps.get_model("auth", "Group") if apps else Group
    permission_model = apps.get_model("auth", "Permission") if apps else Permission
    with transaction.atomic():
        groups = {}
        for name, codes in ROLE_PERMISSIONS.items():
            group, _ = group_model.objects.get_or_create(name=name)
            wanted = [tuple(code.split(".")) for code in codes]
            found = {
                (perm.content_type.app_label, perm.codename): perm
                for perm in permission_model.objects.select_related("content_type").filter(
                    codename__in={codename for _, codename in wanted}
                )
            }
            missing = [f"{app}.{codename}" for app, codename in wanted if (app, codename) not in found]
            if missing and not missing_ok:
                raise permission_model.DoesNotExist(f"Vai trò {name!r}: không có quyền {', '.join(missing)}.")
            group.permissions.set([found[key] for key in wanted if key in found])
            groups[name] = group
    return groups
