"""Which permission each dossier action needs: the one map that the API and the web pages share.

A counter officer takes dossiers in, hands them over to the processing unit (transfer),
receives supplements, returns results, and records a refusal or a withdrawal; a specialist does
the processing in between (transfer onwards, ask for a supplement, suspend/resume, record the
result). The role groups in `accounts.roles` hold these permissions; the services themselves
stay free of role checks.

The processing actions are also bound to the unit: a user whose staff profile names a unit
(`StaffProfile.unit`) records them only on dossiers currently at that unit
(`Dossier.current_unit`): the counter on what is still at the counter, a specialist on what was
transferred to their unit. Department heads (`change_dossier`), superusers and accounts with no
unit (a small office where one person does everything) act on every dossier of the agency.
The unit depends on the dossier's state, so the services check it again on the locked row
(`unit_refusal`, same message): a transfer committed after the page's or the API's check wins.
"""

from __future__ import annotations

from collections.abc import Iterable

from dossiers.models import DossierEvent

E = DossierEvent.Type

ACTION_PERMISSIONS: dict[str, str] = {
    E.RECEIVED: "dossiers.add_dossier",
    E.TRANSFERRED: "dossiers.transfer_dossier",
    E.SUPPLEMENT_REQUESTED: "dossiers.request_supplement_dossier",
    E.SUPPLEMENT_RECEIVED: "dossiers.receive_supplement_dossier",
    E.SUSPENDED: "dossiers.suspend_dossier",
    E.RESUMED: "dossiers.suspend_dossier",
    E.RESULT_READY: "dossiers.finish_dossier",
    E.RETURNED: "dossiers.return_dossier",
    E.REFUSED: "dossiers.refuse_dossier",
    E.WITHDRAWN: "dossiers.withdraw_dossier",
}

VIEW_PERMISSION = "dossiers.view_dossier"
ALL_UNITS_PERMISSION = "dossiers.change_dossier"  # department heads
UNIT_BOUND = {E.TRANSFERRED, E.SUPPLEMENT_REQUESTED, E.SUSPENDED, E.RESUMED, E.RESULT_READY}


def _same_unit(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def own_unit(user) -> str:
    """The unit the user's processing actions are bound to, or "" for every unit of the agency."""
    if not user.is_authenticated or user.is_superuser or user.has_perm(ALL_UNITS_PERMISSION):
        return ""
    profile = getattr(user, "staff_profile", None)
    return (profile.unit or "").strip() if profile else ""


def unit_refusal(user, kind: str, dossier) -> str:
    """Why `user` may not record `kind` on `dossier` because of its unit, or "" if they may."""
    unit = own_unit(user) if kind in UNIT_BOUND else ""
    if not unit or _same_unit(unit, dossier.current_unit):
        return ""
    return f"Hồ sơ đang ở {dossier.current_unit or 'bộ phận khác'}, không phải {unit} của bạn."


def can_act(user, kind: str, dossier=None) -> bool:
    """True if `user` may record an event of type `kind` (on a dossier they can see; with the
    dossier, also on this one, given its current unit)."""
    permission = ACTION_PERMISSIONS.get(kind)
    if not (permission and user.is_authenticated and user.has_perm(permission)):
        return False
    return dossier is None or not unit_refusal(user, kind, dossier)


def permitted_actions(user, kinds: Iterable[str], dossier=None) -> list[str]:
    """The subset of `kinds` that `user` may record (on `dossier`, if given), order kept."""
    return [kind for kind in kinds if can_act(user, kind, dossier)]


def can_act_at_all(user) -> bool:
    """True if `user` holds at least one lifecycle-action permission (intake excluded)."""
    return any(can_act(user, kind) for kind in ACTION_PERMISSIONS if kind != E.RECEIVED)
