"""Which permission each dossier action needs: the one map that the API and the web pages share.

A counter officer takes dossiers in, receives supplements, returns results, and records a
refusal or a withdrawal; a specialist does the processing in between (transfer, ask for a
supplement, suspend/resume, record the result). The role groups in `accounts.roles` hold these
permissions; the services themselves stay free of authorisation.
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


def can_act(user, kind: str) -> bool:
    """True if `user` may record an event of type `kind` (on a dossier they can see)."""
    permission = ACTION_PERMISSIONS.get(kind)
    return bool(permission) and user.is_authenticated and user.has_perm(permission)


def permitted_actions(user, kinds: Iterable[str]) -> list[str]:
    """The subset of `kinds` that `user` may record, order kept."""
    return [kind for kind in kinds if can_act(user, kind)]


def can_act_at_all(user) -> bool:
    """True if `user` holds at least one lifecycle-action permission (intake excluded)."""
    return any(can_act(user, kind) for kind in ACTION_PERMISSIONS if kind != E.RECEIVED)
