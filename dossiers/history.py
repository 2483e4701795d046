"""The field-level change history of a dossier, as the dossier page shows it to department heads."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from dossiers.models import Dossier
from procedures.calendar import VN_TZ

HISTORY_PERMISSION = "dossiers.view_historicaldossier"

# Denormalised copies of other fields: a change to them is already shown through the original.
_HIDDEN = ["received_date", "due_date", "finished_date", "closed_date", "created_at"]
_KINDS = {"+": "Tạo hồ sơ", "~": "Cập nhật", "-": "Xóa hồ sơ"}


def _display(field: models.Field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value, VN_TZ):%d/%m/%Y %H:%M}"
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def dossier_history(dossier: Dossier) -> list[dict]:
    """Newest first: who, when, the kind of change and each changed field (label, old, new)."""
    records = list(dossier.history.select_related("history_user").order_by("history_date", "history_id"))
    rows, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=_HIDDEN)
            for change in delta.changes:
                field = Dossier._meta.get_field(change.field)
                old, new = _display(field, change.old), _display(field, change.new)
                changes.append({"field": field.verbose_name, "old": old, "new": new})
        rows.append(
            {
                "user": record.history_user,
                "at": record.history_date,
                "kind": _KINDS.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
        previous = record
    rows.reverse()
    return rows
